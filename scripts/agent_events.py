#!/usr/bin/env python3
"""Writes Amazon Connect agent events (the shape of fixtures/maps/amazon-connect-agents.ndjson)
for a busy control room, to measure the `amazon-connect-agents` adapter: AGENTS agents on the
Emergency and Non-emergency profiles log in, go Available, take contacts, go to Lunch or a
Break, send heartbeats and log out, one event every second from 2024-07-01T00:00:00Z; one
event in fifty is sent twice. The same bytes for the same arguments.

Usage: scripts/agent_events.py [--agents N] [--events N] [--seed S] > agents.ndjson
"""

import argparse
import json
import random
from datetime import datetime, timezone

INSTANCE = "arn:aws:connect:eu-west-2:444455556666:instance/3f9e61b4-1111-4c2d-8e3f-a0b1c2d3e4f5"
PROFILES = ["Emergency", "Non-emergency"]
START = int(datetime(2024, 7, 1, tzinfo=timezone.utc).timestamp())


def rfc3339(secs):
    return datetime.fromtimestamp(secs, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(n, agent, at, event_type, state):
    profile = PROFILES[state["profile"]]
    contacts = []
    if state["contact"] is not None:
        contacts.append(
            {
                "Channel": "VOICE",
                "ContactId": state["contact"],
                "InitiationMethod": "INBOUND",
                "State": "CONNECTED",
                "StateStartTimestamp": rfc3339(state["contact_since"]),
                "Queue": {"Name": profile},
            }
        )
    status = state["status"]
    return json.dumps(
        {
            "AWSAccountId": "444455556666",
            "AgentARN": f"{INSTANCE}/agent/h{agent}",
            "CurrentAgentSnapshot": {
                "AgentStatus": {
                    "ARN": f"{INSTANCE}/agent-state/{status.lower()}",
                    "Name": status,
                    "StartTimestamp": rfc3339(state["since"]),
                },
                "Configuration": {
                    "FirstName": "Handler",
                    "LastName": f"H{agent}",
                    "Username": f"handler-h{agent}",
                    "RoutingProfile": {
                        "ARN": f"{INSTANCE}/routing-profile/{profile.lower()}",
                        "Name": profile,
                        "InboundQueues": [],
                        "DefaultOutboundQueue": {"Name": "Outbound"},
                    },
                    "AgentHierarchyGroups": None,
                },
                "Contacts": contacts,
            },
            "EventId": f"ev-{n}",
            "EventTimestamp": rfc3339(at),
            "EventType": event_type,
            "InstanceARN": INSTANCE,
            "PreviousAgentSnapshot": None,
            "Version": "2019-05-25",
        },
        separators=(",", ":"),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    agents = [None] * args.agents
    out = []
    for n in range(args.events):
        at = START + n
        agent = rng.randrange(args.agents)
        state = agents[agent]
        if state is None:
            state = {
                "profile": rng.randrange(2),
                "status": "Available",
                "since": at,
                "contact": None,
                "contact_since": at,
            }
            agents[agent] = state
            event_type = "LOGIN"
        else:
            roll = rng.random()
            event_type = "STATE_CHANGE"
            if roll < 0.3:
                event_type = "HEART_BEAT"
            elif roll < 0.55 and state["status"] == "Available" and state["contact"] is None:
                state["contact"], state["contact_since"] = f"k-{n}", at
            elif roll < 0.8:
                state["contact"] = None
            elif roll < 0.97:
                status = rng.choice(["Available", "Available", "Lunch", "Break", "Offline"])
                if status != state["status"]:
                    state["status"], state["since"] = status, at
            else:
                event_type = "LOGOUT"
                state["status"], state["since"], state["contact"] = "Offline", at, None
                agents[agent] = None
        line = record(n, agent, at, event_type, state)
        out.append(line)
        if rng.random() < 0.02:
            out.append(line)
        if len(out) >= 10_000:
            print("\n".join(out))
            out = []
    if out:
        print("\n".join(out))


if __name__ == "__main__":
    main()

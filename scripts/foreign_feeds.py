#!/usr/bin/env python3
"""Writes a forceboard feed in the foreign forms the built-in maps read, for measuring them.

    scripts/foreign_feeds.py FEED DIR

writes DIR/amazon-connect-ctr.ndjson (one contact record per ended call, at its end),
DIR/amazon-connect-events.ndjson (QUEUED, CONNECTED_TO_AGENT, DISCONNECTED, COMPLETED),
DIR/genesys-cloud.ndjson (ACD start and end, a queue observation per staffing line) and
DIR/nena-eido.ndjson (a snapshot at creation, arrival and cancellation), each in time order,
with the caller details real records carry (a number, a name) that the maps never read. The
queue names and ids are those of fixtures/maps/. Standard library only.
"""

import json
import os
import sys

ARN = "arn:aws:connect:eu-west-2:111122223333:instance/7d0c2a51-0000-4a1b-9e2f-5c1d00000001/queue/"
EVENTS_QUEUE = {"999": ARN + "q-0999", "101": ARN + "q-0101"}
GENESYS_QUEUE = {"999": "5b1e0c7a-0000-4e99-8999-000000000999", "101": "5b1e0c7a-0000-4e99-8999-000000000101"}
CTR_QUEUE = {"999": "Emergency 999", "101": "Non-emergency 101"}
PRIORITY = {"emergency": 1, "priority": 2, "scheduled": 3}


def millis(text):
    from datetime import datetime

    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def main():
    feed, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    calls, incidents, staffing = {}, {}, []
    with open(feed) as f:
        for raw in f:
            e = json.loads(raw)
            kind = e["kind"]
            if kind.startswith("call_"):
                calls.setdefault(e["id"], {})[kind] = e
            elif kind.startswith("incident_"):
                incidents.setdefault(e["id"], {})[kind] = e
            elif kind == "staffing":
                staffing.append(e)
    ctr, events, genesys, eido = [], [], [], []
    for cid, c in calls.items():
        offer = c.get("call_offered")
        if offer is None:
            continue
        line, lpa, queued = offer["line"], offer.get("lpa"), offer["at"]
        answered, abandoned, ended = (c.get(k) for k in ("call_answered", "call_abandoned", "call_ended"))
        caller = {"Address": "+447700900123", "Type": "TELEPHONE_NUMBER"}
        detail = lambda kind, **more: {"eventType": kind, "contactId": cid, "channel": "VOICE",
                                        "initiationMethod": "INBOUND", "customerEndpoint": caller,
                                        "queueInfo": {"queueArn": EVENTS_QUEUE[line], "enqueueTimestamp": queued}, **more}
        envelope = lambda at, kind, d: (at, {"version": "0", "id": cid + "-" + kind, "detail-type": "Amazon Connect Contact Event",
                                             "source": "aws.connect", "time": at, "detail": d})
        events.append(envelope(queued, "QUEUED", detail("QUEUED")))
        gbody = lambda at, **more: {"eventTime": millis(at), "conversationId": cid, "mediaType": "VOICE",
                                    "direction": "INBOUND", "queueId": GENESYS_QUEUE[line], "ani": "tel:+447700900123", **more}
        gtopic = lambda end: "v2.detail.events.conversation.%s.acd.%s" % (cid, end)
        genesys.append((queued, {"id": cid + "-start", "time": queued, "detail-type": gtopic("start"),
                                 "detail": {"topicName": gtopic("start"), "eventBody": gbody(queued)}}))
        if answered or abandoned:
            close = answered or abandoned
            outcome = "ANSWERED" if answered else "ABANDON"
            genesys.append((close["at"], {"id": cid + "-end", "time": close["at"], "detail-type": gtopic("end"),
                                          "detail": {"topicName": gtopic("end"), "eventBody": gbody(close["at"], acdOutcome=outcome)}}))
        if answered:
            agent = {"connectedToAgentTimestamp": answered["at"]}
            events.append(envelope(answered["at"], "CONNECTED_TO_AGENT", detail("CONNECTED_TO_AGENT", agentInfo=agent)))
            if ended:
                events.append(envelope(ended["at"], "COMPLETED",
                                       detail("COMPLETED", agentInfo=agent, disconnectTimestamp=ended["at"])))
        elif abandoned:
            events.append(envelope(abandoned["at"], "DISCONNECTED", detail("DISCONNECTED", disconnectTimestamp=abandoned["at"])))
        if (answered and ended) or abandoned:
            end = (ended or abandoned)["at"]
            record = {"AWSAccountId": "111122223333", "ContactId": cid, "Channel": "VOICE", "InitiationMethod": "INBOUND",
                      "InitiationTimestamp": queued, "DisconnectTimestamp": end, "LastUpdateTimestamp": end,
                      "CustomerEndpoint": caller, "Attributes": {"lpa": lpa} if lpa else {},
                      "Queue": {"Name": CTR_QUEUE[line], "ARN": EVENTS_QUEUE[line], "EnqueueTimestamp": queued},
                      "Agent": {"ConnectedToAgentTimestamp": answered["at"], "Username": "handler"} if answered else None}
            ctr.append((end, record))
    for s in staffing:
        body = {"group": {"queueId": GENESYS_QUEUE[s["line"]], "mediaType": "voice"},
                "data": [{"metric": "oOnQueueUsers", "qualifier": "IDLE", "stats": {"count": s.get("available", 0)}},
                         {"metric": "oActiveUsers", "stats": {"count": s["on_duty"]}}]}
        topic = "v2.analytics.queues.%s.observations" % GENESYS_QUEUE[s["line"]]
        genesys.append((s["at"], {"id": "obs-" + s["at"] + s["line"], "time": s["at"], "detail-type": topic,
                                  "detail": {"topicName": topic, "eventBody": body}}))
    for iid, i in incidents.items():
        created = i.get("incident_created")
        if created is None:
            continue
        snap = lambda at, status, units: {
            "incidentTrackingIdentifier": iid, "lastUpdateTimeStamp": at,
            "incidentComponent": {"lastUpdateTimeStamp": at, "incidentStatusCommonRegistryText": [status],
                                  "incidentCommonPriorityNumber": PRIORITY[created["grade"]],
                                  "beatOrDispatchGroupText": created.get("lpa") or "NONE"},
            "emergencyResourceComponent": units,
            "personComponent": [{"ncPersonComponent": {"PersonName": "A Caller"}}]}
        eido.append((created["at"], snap(created["at"], "Active", [])))
        if "incident_arrived" in i:
            at = i["incident_arrived"]["at"]
            eido.append((at, snap(at, "Active", [{"primaryUnitStatusRegistryText": "OnScene", "lastUpdateTimeStamp": at}])))
        elif "incident_cancelled" in i:
            at = i["incident_cancelled"]["at"]
            eido.append((at, snap(at, "Closed", [])))
    for name, rows in (("amazon-connect-ctr", ctr), ("amazon-connect-events", events),
                       ("genesys-cloud", genesys), ("nena-eido", eido)):
        rows.sort(key=lambda row: row[0])
        with open(os.path.join(out, name + ".ndjson"), "w") as f:
            for _, row in rows:
                f.write(json.dumps(row, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()

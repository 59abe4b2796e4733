//! `serve`, the training room's server: its fan-out to many clients, clients that abuse it,
//! and boards on a served feed.

mod abuse;
mod boards;
mod fanout;
mod trainer;

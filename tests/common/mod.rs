#![allow(dead_code)] // each test file uses some of it

pub mod feed;
pub mod input;
pub mod nats;
pub mod pty;
pub mod serve;
pub mod source;
pub mod ssh;
pub mod tls;
pub mod training;

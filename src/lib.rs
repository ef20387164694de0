//! zhiban (值班): a full-screen terminal application for a government duty room.
//!
//! Layers (see docs/ARCHITECTURE.md): [`core`] is pure; [`store`] owns all SQL; [`config`] parses
//! `config.toml`; [`ui`] renders state; [`runtime`] owns the terminal and executes effects;
//! [`cli`] is the command line.

pub mod cli;
pub mod config;
pub mod core;
pub mod pin;
pub mod runtime;
pub mod store;
pub mod ui;

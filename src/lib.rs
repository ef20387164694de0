//! zhiban (值班): a full-screen terminal application for a government duty room.
//!
//! Layers (see docs/ARCHITECTURE.md): [`core`] is pure; [`store`] owns all SQL; [`config`] parses
//! `config.toml`; [`files`] creates every file the app writes (0600, never over an existing path)
//! and reads its inputs (regular files under a cap); [`ui`] renders state; [`runtime`] owns the terminal and executes effects;
//! [`cli`] is the command line.

pub mod cli;
pub mod config;
pub mod core;
pub mod files;
pub mod pin;
pub mod runtime;
pub mod store;
pub mod ui;

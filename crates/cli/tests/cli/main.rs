//! The CLI's one integration-test binary: runs the real `nabla` binary and checks its output.
//! One module per command.

mod activation;
mod backprop;
mod bench;
mod checkpoint;
mod claims;
mod confusion_plot;
mod csv;
mod lr_find;
mod model;
mod multitask;
mod multitask_model;
mod non_finite;
mod optimize;
mod regress;
mod reliability;
mod schedule;
mod sizes;
mod train;
mod train_config;
mod train_log;
mod util;

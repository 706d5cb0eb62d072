//! The `cardweb` command line: parses arguments, runs the library, prints diagnostics and
//! the error chain once, and turns the outcome into an exit code.

use anyhow::{Result, bail};
use cardweb::config::Config;
use cardweb::{Build, output, serve};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Turn a folder of concept cards into a knowledge-graph website.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Examples:\n  cardweb serve                 # build in memory, serve, reload on save\n  cardweb build                 # cards/ → output/\n  cardweb build --out public    # write somewhere else\n  cardweb check                 # report every problem; exit 1 on errors (for CI)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site: cards → output folder, with a one-line summary.
    #[command(after_help = "Example:\n  cardweb build --cards notes --out public")]
    Build {
        /// The folder of cards (default: `cards`, or as `cardweb.yaml` says).
        #[arg(long)]
        cards: Option<PathBuf>,
        /// The folder to write the site to (default: `output`, or as `cardweb.yaml` says).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Build the site in memory and serve it, rebuilding and reloading pages on every save.
    #[command(
        after_help = "Examples:\n  cardweb serve --open\n  cardweb serve --port 0          # any free port\n  cardweb serve --bind 0.0.0.0    # reachable from other machines"
    )]
    Serve {
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The address to listen on (loopback unless told otherwise).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Print no line per request.
        #[arg(long)]
        quiet: bool,
        /// The folder of cards (default: `cards`, or as `cardweb.yaml` says).
        #[arg(long)]
        cards: Option<PathBuf>,
    },
    /// Report every problem in the cards without writing anything; exit 1 on errors.
    #[command(after_help = "Example:\n  cardweb check && echo ready to publish")]
    Check {
        /// The folder of cards (default: `cards`, or as `cardweb.yaml` says).
        #[arg(long)]
        cards: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let start = Instant::now();
    match cli.command {
        Command::Build { cards, out } => {
            let config = config_with(cards, out)?;
            let built = report(cardweb::build(&config)?);
            let Some(site) = built.site else {
                bail!(
                    "build failed; {} was left as it was",
                    config.output.display()
                );
            };
            let stats = output::write_site(&site, &config.output, &config.root, &config.cards)?;
            println!(
                "built {} cards and {} stubs into {} pages in {} ({} written, {} unchanged, {} removed) in {} ms",
                built.counts.complete + built.counts.draft,
                built.counts.stub,
                site.files.keys().filter(|p| p.ends_with(".html")).count(),
                config.display_path(&config.output).display(),
                stats.written,
                stats.unchanged,
                stats.removed,
                start.elapsed().as_millis()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            port,
            bind,
            open,
            quiet,
            cards,
        } => {
            let options = serve::Options {
                addr: (bind, port).into(),
                open,
                log_requests: !quiet,
            };
            serve::serve(config_with(cards, None)?, options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { cards } => {
            let config = config_with(cards, None)?;
            let built = report(cardweb::build(&config)?);
            let errors = built.diagnostics.iter().filter(|d| d.is_error()).count();
            println!(
                "checked {} cards: {errors} errors, {} warnings, {} stubs to write",
                built.counts.complete + built.counts.draft,
                built.diagnostics.len() - errors,
                built.counts.stub
            );
            Ok(if errors > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// The site's configuration with the command line's folders laid over it.
fn config_with(cards: Option<PathBuf>, out: Option<PathBuf>) -> Result<Config> {
    let mut config = Config::load(Path::new("."))?;
    if let Some(cards) = cards {
        config.cards = cards;
    }
    if let Some(out) = out {
        config.output = out;
    }
    Ok(config)
}

/// Prints every diagnostic to stderr and passes the build on.
fn report(built: Build) -> Build {
    for diagnostic in &built.diagnostics {
        eprintln!("{diagnostic}");
    }
    built
}

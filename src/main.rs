//! The `cardweb` command line: parses arguments, runs the library, prints diagnostics and
//! the error chain once, and turns the outcome into an exit code.

use anyhow::{Result, bail};
use cardweb::config::Config;
use cardweb::{Build, output};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Turn a folder of concept cards into a knowledge-graph website.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Examples:\n  cardweb build                 # cards/ → output/\n  cardweb build --out public    # write somewhere else\n  cardweb check                 # report every problem; exit 1 on errors (for CI)"
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

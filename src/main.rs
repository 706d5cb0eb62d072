//! The `cardweb` command line: parses arguments, runs the library, prints diagnostics and
//! the error chain once, and turns the outcome into an exit code.

use anyhow::{Result, bail};
use cardweb::config::Config;
use cardweb::diagnostic::Diagnostic;
use cardweb::graph::Graph;
use cardweb::progress::Progress;
use cardweb::{export, hosting, output, serve, start};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
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

/// Where the site is and how to take it, for every command that reads it; each flag
/// overrides `cardweb.yaml`.
#[derive(clap::Args, Clone)]
struct Site {
    /// The site root: holds `cards/` and `cardweb.yaml` (default: the current folder).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The folder of cards (default: `cards`, or as `cardweb.yaml` says).
    #[arg(long)]
    cards: Option<PathBuf>,
    /// The site's public address, e.g. for a deploy preview (default: `base_url` of
    /// `cardweb.yaml`).
    #[arg(long)]
    base_url: Option<String>,
    /// Publish draft cards too (`serve`, `stubs` and `new` always count them).
    #[arg(long)]
    drafts: bool,
    /// Links name each page's index.html, so the site works opened from disk.
    #[arg(long)]
    file_links: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site: cards → output folder, with a one-line summary.
    #[command(
        after_help = "Examples:\n  cardweb build --cards notes -o public\n  cardweb build --base-url https://preview.example.org/"
    )]
    Build {
        #[command(flatten)]
        site: Site,
        /// The folder to write the site to (default: `output`, or as `cardweb.yaml` says).
        #[arg(short, long, alias = "out")]
        output: Option<PathBuf>,
        /// Write `.gz` and `.br` forms beside each text file (for nginx `gzip_static`).
        #[arg(long)]
        precompress: bool,
        /// Print how long each stage took, on the clock and on the processors.
        #[arg(long)]
        timings: bool,
    },
    /// Build the site in memory and serve it, rebuilding and reloading pages on every save.
    #[command(
        after_help = "Examples:\n  cardweb serve --open\n  cardweb serve -p 0              # any free port\n  cardweb serve --bind 0.0.0.0    # reachable from other machines"
    )]
    Serve {
        #[command(flatten)]
        site: Site,
        /// The port to listen on; 0 picks a free one.
        #[arg(short, long, default_value_t = 8000)]
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
    },
    /// List the concepts that are linked but not written yet, most wanted first.
    #[command(after_help = "Example:\n  cardweb stubs && cardweb new http-protocol")]
    Stubs {
        #[command(flatten)]
        site: Site,
    },
    /// Start a card: from a stub it keeps the id and title the links use.
    #[command(
        after_help = "Examples:\n  cardweb new http-protocol\n  cardweb new \"Domain Name System\""
    )]
    New {
        #[command(flatten)]
        site: Site,
        /// The concept's id or title.
        name: String,
    },
    /// Create a new knowledge site in DIR that builds and serves at once.
    #[command(after_help = "Example:\n  cardweb init notes && cd notes && cardweb serve")]
    Init {
        /// The folder to create (must be new or empty).
        dir: PathBuf,
    },
    /// Print the knowledge graph for other tools.
    #[command(
        after_help = "Examples:\n  cardweb graph --format dot | dot -Tsvg > graph.svg\n  cardweb graph > graph.json"
    )]
    Graph {
        #[command(flatten)]
        site: Site,
        /// Output format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Json)]
        format: GraphFormat,
    },
    /// Report every problem in the cards without writing anything; exit 1 on errors.
    #[command(
        after_help = "Examples:\n  cardweb check && echo ready to publish\n  cardweb check --strict    # in CI: warnings fail too"
    )]
    Check {
        #[command(flatten)]
        site: Site,
        /// Exit 1 on warnings too.
        #[arg(long, alias = "deny-warnings")]
        strict: bool,
    },
}

/// The formats `cardweb graph` writes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphFormat {
    /// `{"nodes": [...], "edges": [...]}`, as `graph.json` in the site.
    Json,
    /// Graphviz.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

fn main() -> ExitCode {
    keep_small_pages();
    return_freed_memory_soon();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build {
            site,
            output,
            precompress,
            timings,
        } => {
            let config = config_of(&site, output)?;
            let precompress = precompress || config.precompress;
            build(
                Config {
                    precompress,
                    ..config
                },
                timings,
            )
        }
        Command::Serve {
            site,
            port,
            bind,
            open,
            quiet,
        } => {
            let options = serve::Options {
                addr: (bind, port).into(),
                open,
                log_requests: !quiet,
            };
            let site = Site {
                drafts: true,
                ..site
            };
            // Served here, the site lives at this server's root, not at its public address,
            // unless --base-url says otherwise.
            let config = move || {
                let config = config_of(&site, None)?;
                let base_url = site.base_url.as_ref().and(config.base_url);
                Ok(Config { base_url, ..config })
            };
            serve::serve(config, options)?;
            Ok(ExitCode::SUCCESS)
        }
        // Drafts are written cards to an author, published or not.
        Command::Stubs { site } => stubs(config_of(
            &Site {
                drafts: true,
                ..site
            },
            None,
        )?),
        Command::New { site, name } => new(
            config_of(
                &Site {
                    drafts: true,
                    ..site
                },
                None,
            )?,
            &name,
        ),
        Command::Init { dir } => {
            start::init_site(&dir)?;
            println!(
                "created a knowledge site in {0}; next: cd {0} && cardweb serve",
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Graph { site, format } => {
            let graph = analyse(&config_of(&site, None)?)?;
            print!(
                "{}",
                match format {
                    GraphFormat::Json => export::to_json(&graph),
                    GraphFormat::Dot => export::to_dot(&graph),
                    GraphFormat::Mermaid => export::to_mermaid(&graph),
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { site, strict } => check(config_of(&site, None)?, strict),
    }
}

/// `cardweb build`: the site into the output folder, moved into place only if the whole
/// build succeeded; with `timings`, how long each stage took.
fn build(config: Config, timings: bool) -> Result<ExitCode> {
    let start = Instant::now();
    let output = output::Output::open(&config.output, &config.root, &config.cards)?;
    let tally = std::sync::Arc::new(hosting::Tally::default());
    let counted = std::sync::Arc::clone(&tally);
    let progress = Progress::start(move || counted.files());
    let put = |path: String, bytes: cardweb::site::Bytes| {
        if config.precompress {
            for (packed_path, packed) in hosting::precompressed(&path, &bytes) {
                tally.add(&packed_path, packed.len());
                output.put(&packed_path, &packed)?;
            }
        }
        tally.add(&path, bytes.len());
        output.put(&path, &bytes)
    };
    // The cards' HTML and words wait on the output's disk until used (in memory if they
    // cannot).
    let scratch = cardweb::scratch::Scratch::in_folder(output.folder()).ok();
    let built = cardweb::build(&config, &put, scratch.as_ref());
    drop(progress);
    let report = match built {
        Ok(report) if report.drawn => report,
        Ok(report) => {
            output.abandon();
            print_problems(&report.diagnostics);
            bail!(
                "build failed; {} was left as it was",
                config.output.display()
            );
        }
        Err(error) => {
            output.abandon();
            return Err(error);
        }
    };
    print_problems(&report.diagnostics);
    for warning in tally.warnings() {
        eprintln!(
            "{}: warning: {warning}",
            config.display_path(&config.output).display()
        );
    }
    let mut watch = cardweb::timings::Stopwatch::start();
    let stats = output.finish()?;
    watch.lap("write");
    println!(
        "built {} cards and {} stubs into {} pages in {} ({} written, {} unchanged, {} removed) in {} ms",
        report.counts.written(),
        report.counts.stub,
        stats.pages,
        config.display_path(&config.output).display(),
        stats.written,
        stats.unchanged,
        stats.removed,
        start.elapsed().as_millis()
    );
    if timings {
        for stage in report.timings.iter().chain(&watch.stages) {
            println!(
                "  {:<6} {:>8.3} s on the clock, {:>8.3} s on the processors, {:>6} MB peak memory",
                stage.name,
                stage.wall.as_secs_f64(),
                stage.cpu.as_secs_f64(),
                stage.peak >> 20
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `cardweb check`: every problem, and a failing exit code if any is an error (or, with
/// `strict`, a warning).
fn check(config: Config, strict: bool) -> Result<ExitCode> {
    // Drawn to find what only drawing finds (template errors, clashing paths), and then
    // let go: the pages are not kept.
    let paths = std::sync::Mutex::default();
    let report = cardweb::build(&config, &cardweb::site::put_paths_into(&paths), None)?;
    print_problems(&report.diagnostics);
    let errors = report.errors();
    println!(
        "checked {} cards: {errors} errors, {} warnings, {} stubs to write",
        report.counts.written(),
        report.diagnostics.len() - errors,
        report.counts.stub
    );
    let warnings = report.diagnostics.len() - errors;
    Ok(match errors > 0 || (strict && warnings > 0) {
        false => ExitCode::SUCCESS,
        true => ExitCode::FAILURE,
    })
}

/// One line of `cardweb stubs`: a stub and the cards that want it.
struct StubRow<'g> {
    id: &'g str,
    wanted_by: Vec<&'g str>,
}

/// `cardweb stubs`: the unwritten concepts, most wanted first.
fn stubs(config: Config) -> Result<ExitCode> {
    let graph = analyse(&config)?;
    let rows: Vec<StubRow> = (graph.wanted().into_iter())
        .map(|(stub, wanting)| StubRow {
            id: &graph[stub].id,
            wanted_by: wanting.iter().map(|&w| graph[w].id.as_str()).collect(),
        })
        .collect();
    let Some(first) = rows.first() else {
        println!("no stubs: every linked concept has a card");
        return Ok(ExitCode::SUCCESS);
    };
    let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for row in &rows {
        println!(
            "{:>3}  {:width$}  wanted by {}",
            row.wanted_by.len(),
            row.id,
            row.wanted_by.join(", ")
        );
    }
    println!(
        "{} stubs; start the most wanted with: cardweb new {}",
        rows.len(),
        first.id
    );
    Ok(ExitCode::SUCCESS)
}

/// `cardweb new`: a card for `name`, from its stub if it has one.
fn new(config: Config, name: &str) -> Result<ExitCode> {
    let graph = analyse(&config)?;
    let card = start::new_card(&config, &graph, name)?;
    println!("wrote {}", config.display_path(&card.path).display());
    if !card.wanted_by.is_empty() {
        println!("wanted by: {}", card.wanted_by.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

/// The graph of the site's cards, with their problems printed.
fn analyse(config: &Config) -> Result<Graph> {
    let (graph, diagnostics) = cardweb::analyse(config)?;
    print_problems(&diagnostics);
    Ok(graph)
}

/// The configuration of `site`, with the command line laid over `cardweb.yaml`.
fn config_of(site: &Site, output: Option<PathBuf>) -> Result<Config> {
    let mut config = Config::load(&site.root)?;
    if let Some(cards) = &site.cards {
        config.cards = cards.clone();
    }
    if let Some(output) = output {
        config.output = output;
    }
    if let Some(url) = &site.base_url {
        config.set_base_url(url);
    }
    config.drafts |= site.drafts;
    config.file_links |= site.file_links;
    Ok(config)
}

/// Prints the diagnostics on standard error in one piece: `eprintln!` writes each part of
/// a line by itself, 12,800 writes for the 1,068 warnings of a generated 10,000-card site.
fn print_problems(diagnostics: &[Diagnostic]) {
    let text: String = diagnostics.iter().map(|d| format!("{d}\n")).collect();
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
}

/// Asks Linux not to back this process's memory with 2 MB pages unasked (transparent huge
/// pages set to "always", as on many servers): the allocator's first touch of a region
/// then made whole huge pages resident, 40 MB for building a 300-card site that needs 27,
/// and a third more at 1,000 cards, for no measurable speed. Elsewhere, nothing to do.
fn keep_small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of this
    // process; a kernel without it refuses, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc's number for its option of how long freed memory waits before it goes back to
/// the system: `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (libmimalloc-sys does
/// not name it; a test checks it by its default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc give freed memory back to the system after 1 ms instead of a second: a
/// build frees and allocates in bursts per stage, and the memory of one stage was still
/// held when the next one peaked. 1,000 cards: 42 → 36 MB peak, the same time (8 alternating
/// runs each); 10,000 cards: 194–202 → 166–168 MB, 2.4–3.0 s against 2.3–3.3 s.
fn return_freed_memory_soon() {
    // SAFETY: sets one number in mimalloc's table of options, read when it purges.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1);
    }
}

/// mimalloc instead of the system allocator: rendering makes many small, short-lived
/// strings (template values, link markup), and glibc's malloc was a fifth of the run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads one number from mimalloc's table of options.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000, "mimalloc's default purge delay (options.c)");
    }
}

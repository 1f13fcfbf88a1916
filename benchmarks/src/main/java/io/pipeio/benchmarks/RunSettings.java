package io.pipeio.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The options of the {@code run} sub-command, with their defaults (smaller ones under
 * {@code --quick}), and the two lines of the report that describe them: the command and
 * the settings. Parsed once, in the constructor, so a bad option fails before anything is
 * started.
 *
 * @author pipe-io
 */
final class RunSettings {

	private final List<String> args;

	final boolean quick;

	/** Server JVMs started one after the other per variant for the throughput test. */
	final int forks;

	/** Runs per measurement in each server JVM. */
	final int runs;

	final long lines100;

	final long lines1000;

	final int roundtrips;

	final long warmupLines;

	/** The channel counts of the scale test besides 1, ascending. */
	final List<Integer> channels;

	/** The engines the Java variants run with. */
	final List<Variant.Engine> engines;

	/** The variants of the chosen engines, in the order of {@link Variant}. */
	final List<Variant> variants;

	final boolean skipMemory;

	final boolean skipScale;

	final boolean skipDispatch;

	/**
	 * Whether pinning was asked for; {@link CpuPinning#check()} may still turn it off.
	 */
	final boolean pin;

	final List<String> serverJvmArgs;

	final Path benchmarksDir;

	final Path targetDir;

	final Path logDir;

	/** Whether the report replaces the committed {@code benchmarks/RESULTS.md}. */
	final boolean updateResults;

	/**
	 * Where the report goes: under {@code target/} unless {@code --update-results} or
	 * {@code --results}.
	 */
	final Path results;

	RunSettings(List<String> args) {
		this.args = args;
		Set<String> flags = Set.of("--quick", "--no-pin", "--skip-memory", "--skip-scale", "--skip-dispatch",
				"--update-results");
		Arguments arguments = new Arguments(args, flags);
		Set<String> known = new HashSet<>(flags);
		known.addAll(List.of("--forks", "--runs", "--lines", "--lines-1000", "--roundtrips", "--warmup", "--channels",
				"--engines", "--variants", "--server-jvm-args", "--benchmarks-dir", "--results"));
		arguments.requireKnown(known);
		this.quick = arguments.flag("--quick");
		// Each JVM's JIT compiles the per-line path its own way: a median over several
		// JVMs is steadier than one over several runs in one.
		this.forks = arguments.intOption("--forks", this.quick ? 1 : 3);
		this.runs = arguments.intOption("--runs", 1);
		this.lines100 = arguments.longOption("--lines", this.quick ? 200_000 : 5_000_000);
		this.lines1000 = arguments.longOption("--lines-1000", this.quick ? 100_000 : 1_000_000);
		this.roundtrips = arguments.intOption("--roundtrips", this.quick ? 2_000 : 20_000);
		this.warmupLines = arguments.longOption("--warmup", this.quick ? 200_000 : 1_000_000);
		this.channels = list(arguments.option("--channels", this.quick ? "1000" : "1000,9000")).stream()
			.map(Arguments::parseCount)
			.map(Long::intValue)
			.filter((count) -> count > 1)
			.distinct()
			.sorted()
			.toList();
		this.engines = list(arguments.option("--engines", "threads,event-loop")).stream()
			.map(Variant.Engine::of)
			.distinct()
			.toList();
		List<Variant> chosen = list(arguments.option("--variants", "all")).contains("all")
				? Arrays.asList(Variant.values())
				: list(arguments.option("--variants", "")).stream().map(Variant::of).distinct().toList();
		this.variants = Arrays.stream(Variant.values())
			.filter(chosen::contains)
			.filter((variant) -> variant.engine == null || this.engines.contains(variant.engine))
			.toList();
		this.skipMemory = arguments.flag("--skip-memory");
		this.skipScale = arguments.flag("--skip-scale");
		this.skipDispatch = arguments.flag("--skip-dispatch");
		this.pin = !arguments.flag("--no-pin");
		String jvmArgs = arguments.option("--server-jvm-args", "").trim();
		this.serverJvmArgs = jvmArgs.isEmpty() ? List.of() : List.of(jvmArgs.split("\\s+"));
		this.benchmarksDir = Path.of(arguments.option("--benchmarks-dir", locateBenchmarksDir().toString()))
			.toAbsolutePath()
			.normalize();
		this.targetDir = this.benchmarksDir.resolve("target");
		this.logDir = this.targetDir.resolve("bench-logs");
		// The committed RESULTS.md changes only when asked: a run to try something must
		// not dirty the work tree.
		this.updateResults = arguments.flag("--update-results");
		if (this.updateResults && this.quick) {
			throw new IllegalArgumentException(
					"--update-results replaces the committed full results; a --quick run cannot, leave one of them out");
		}
		if (this.updateResults && arguments.flag("--results")) {
			throw new IllegalArgumentException(
					"--update-results writes benchmarks/RESULTS.md; it cannot be combined with --results FILE");
		}
		Path defaultResults = this.updateResults ? this.benchmarksDir.resolve("RESULTS.md")
				: this.targetDir.resolve(this.quick ? "RESULTS-quick.md" : "RESULTS.md");
		this.results = Path.of(arguments.option("--results", defaultResults.toString())).toAbsolutePath();
		if (this.forks < 1 || this.runs < 1 || this.lines100 < 1 || this.lines1000 < 1 || this.roundtrips < 1) {
			throw new IllegalArgumentException("--forks, --runs, --lines, --lines-1000 and --roundtrips must be >= 1");
		}
	}

	/**
	 * @return how many values each measurement of a variant has: runs in every server JVM
	 */
	int measurements() {
		return this.forks * this.runs;
	}

	/**
	 * The variants in the order a run measures them, rotated by the run's index so that
	 * any drift of the machine (heat, other load) is spread over all of them; printed.
	 * @param index the run, from 0 over all server JVMs
	 * @return the order
	 */
	List<Variant> orderOfRun(int index) {
		List<Variant> order = new ArrayList<>(this.variants);
		Collections.rotate(order, -index);
		System.out.printf("Run %d/%d, order %s%n", index + 1, measurements(),
				order.stream().map((v) -> v.id).collect(Collectors.joining(" ")));
		return order;
	}

	/**
	 * @param fork the server JVM, from 0
	 * @return what tells its directory and log from the other JVMs' of the variant
	 */
	static String forkTag(int fork) {
		return (fork == 0) ? "" : "-jvm" + (fork + 1);
	}

	private static List<String> list(String value) {
		return Arrays.stream(value.split(",")).map(String::trim).filter((s) -> !s.isEmpty()).toList();
	}

	/** benchmarks/ is the parent of target/, where the jar (or target/classes) lives. */
	private static Path locateBenchmarksDir() {
		try {
			Path location = Path.of(RunSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			// target/pipe-io-benchmarks.jar or target/classes
			Path target = location.getParent();
			return target.getParent();
		}
		catch (Exception ex) {
			return Path.of("benchmarks");
		}
	}

	/**
	 * The settings line, printed before the measurements and repeated in the report.
	 * @param pinning the pinning as checked, which may differ from what was asked for
	 * @return the line
	 */
	String describe(CpuPinning pinning) {
		return String.format(Locale.ROOT,
				"Settings: %s, %d server JVM(s) per variant × %d run(s) in each per measurement (median of all"
						+ " reported), %,d lines of 100 B, %,d lines of 1000 B,"
						+ " %,d ping-pong round trips of 100 B, warm-up 2 × %,d lines of 100 B per server, engines %s,"
						+ " scale test 1 and %s channels; %s",
				this.quick ? "QUICK" : "full", this.forks, this.runs, this.lines100, this.lines1000, this.roundtrips,
				this.warmupLines, String.join(" and ", this.engines.stream().map((engine) -> engine.value).toList()),
				String.join(" and ",
						this.channels.stream().map((count) -> String.format(Locale.ROOT, "%,d", count)).toList()),
				pinning.describe());
	}

	/**
	 * @return the command that reproduces this run, as the report shows it
	 */
	String commandLine() {
		return ("java -jar benchmarks/target/pipe-io-benchmarks.jar run " + String.join(" ", this.args)).trim();
	}

}

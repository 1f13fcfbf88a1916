package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code run} sub-command: measures, side by side and in one run, the C echo (the OS limit),
 * the pipe-io engine alone and the full Spring path (byte[] with metrics on and off, String), all
 * driven by the same C load client in a separate process; then the heap growth while a 16 MiB line
 * is echoed, and the start time and footprint of many channels in one JVM.
 *
 * @author pipe-io
 */
final class Harness {

	private static final int LINE_16_MIB = 16 * 1024 * 1024;

	private static final int SERVER_CPU = 1;

	private static final int LOAD_CPU = 0;

	enum Variant {

		C("c", "C echo (OS limit)"),

		ENGINE("engine", "pipe-io engine, byte[] LineHandler"),

		SPRING("spring", "Spring @PipeListener byte[], metrics on"),

		SPRING_NO_METRICS("spring-nometrics", "Spring @PipeListener byte[], pipe-io metrics off"),

		SPRING_STRING("spring-string", "Spring @PipeListener String, metrics on");

		final String id;

		final String label;

		Variant(String id, String label) {
			this.id = id;
			this.label = label;
		}

		boolean isJava() {
			return this != C;
		}

		static Variant of(String id) {
			for (Variant variant : values()) {
				if (variant.id.equals(id)) {
					return variant;
				}
			}
			throw new IllegalArgumentException("Unknown variant '" + id + "'; use one of "
					+ Arrays.stream(values()).map((v) -> v.id).collect(Collectors.joining(",")));
		}

	}

	enum Metric {

		TP100, TP1000, P50, P99, CSW100

	}

	private final List<String> args;

	private final boolean quick;

	private final int runs;

	private final long lines100;

	private final long lines1000;

	private final int roundtrips;

	private final long warmupLines;

	private final int channels;

	private final List<Variant> variants;

	private final boolean skipMemory;

	private final boolean skipScale;

	private final List<String> serverJvmArgs;

	private boolean pin;

	private final Path benchmarksDir;

	private final Path targetDir;

	private final Path results;

	private final Path logDir;

	private Path echoBinary;

	private Path loadBinary;

	private Path workDir;

	private final Map<Variant, ServerProcess> servers = new EnumMap<>(Variant.class);

	private final List<ServerProcess> allProcesses = new ArrayList<>();

	private final Map<Variant, Map<Metric, List<Double>>> samples = new EnumMap<>(Variant.class);

	private final Map<Variant, String> infos = new EnumMap<>(Variant.class);

	private final Map<Variant, ProcStatus> footprints = new EnumMap<>(Variant.class);

	private final StringBuilder report = new StringBuilder();

	private final List<String[]> targets = new ArrayList<>();

	Harness(List<String> args) {
		this.args = args;
		Arguments arguments = new Arguments(args, Set.of("--quick", "--no-pin", "--skip-memory", "--skip-scale"));
		this.quick = arguments.flag("--quick");
		this.runs = arguments.intOption("--runs", this.quick ? 1 : 3);
		this.lines100 = arguments.longOption("--lines", this.quick ? 200_000 : 5_000_000);
		this.lines1000 = arguments.longOption("--lines-1000", this.quick ? 100_000 : 1_000_000);
		this.roundtrips = arguments.intOption("--roundtrips", this.quick ? 2_000 : 20_000);
		this.warmupLines = arguments.longOption("--warmup", this.quick ? 200_000 : 1_000_000);
		this.channels = arguments.intOption("--channels", this.quick ? 100 : 1_000);
		this.variants = Arrays.stream(arguments.option("--variants", "c,engine,spring,spring-nometrics,spring-string")
			.split(",")).map(String::trim).filter((s) -> !s.isEmpty()).map(Variant::of).distinct().toList();
		this.skipMemory = arguments.flag("--skip-memory");
		this.skipScale = arguments.flag("--skip-scale");
		this.pin = !arguments.flag("--no-pin");
		String jvmArgs = arguments.option("--server-jvm-args", "").trim();
		this.serverJvmArgs = jvmArgs.isEmpty() ? List.of() : List.of(jvmArgs.split("\\s+"));
		this.benchmarksDir = Path.of(arguments.option("--benchmarks-dir", locateBenchmarksDir().toString()))
			.toAbsolutePath()
			.normalize();
		this.targetDir = this.benchmarksDir.resolve("target");
		this.logDir = this.targetDir.resolve("bench-logs");
		String defaultResults = this.quick ? this.targetDir.resolve("RESULTS-quick.md").toString()
				: this.benchmarksDir.resolve("RESULTS.md").toString();
		this.results = Path.of(arguments.option("--results", defaultResults)).toAbsolutePath();
		if (this.runs < 1 || this.lines100 < 1 || this.lines1000 < 1 || this.roundtrips < 1 || this.channels < 1) {
			throw new IllegalArgumentException("--runs, --lines, --lines-1000, --roundtrips and --channels must be >= 1");
		}
	}

	/** benchmarks/ is the parent of target/, where the jar (or target/classes) lives. */
	private static Path locateBenchmarksDir() {
		try {
			Path location = Path.of(Harness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			Path target = location.getParent(); // target/pipe-io-benchmarks.jar or target/classes
			return target.getParent();
		}
		catch (Exception ex) {
			return Path.of("benchmarks");
		}
	}

	int run() throws Exception {
		Thread hook = new Thread(() -> this.allProcesses.forEach(ServerProcess::kill), "harness-shutdown");
		Runtime.getRuntime().addShutdownHook(hook);
		this.workDir = Files.createTempDirectory("pipe-io-bench-");
		long started = System.nanoTime();
		try {
			String machine = describeMachine();
			System.out.println(machine);
			compileC();
			checkPinning();
			System.out.println(settingsLine());
			measureThroughputAndLatency();
			if (!this.skipMemory) {
				measureMemory();
			}
			stopServers();
			if (!this.skipScale) {
				measureScale();
			}
			String body = renderReport(machine, (System.nanoTime() - started) / 1e9);
			Files.createDirectories(this.results.getParent());
			Files.writeString(this.results, body, StandardCharsets.UTF_8);
			System.out.println();
			System.out.println("Results written to " + this.results);
			return 0;
		}
		finally {
			stopServers();
			deleteRecursively(this.workDir);
			Runtime.getRuntime().removeShutdownHook(hook);
		}
	}

	// ---------------------------------------------------------------- setup

	private String settingsLine() {
		return String.format(Locale.ROOT,
				"Settings: %s, %d run(s) per measurement (median reported), %,d lines of 100 B, %,d lines of 1000 B,"
						+ " %,d ping-pong round trips of 100 B, warm-up 2 × %,d lines of 100 B per server, scale test %,d channels;"
						+ " %s",
				this.quick ? "QUICK" : "full", this.runs, this.lines100, this.lines1000, this.roundtrips,
				this.warmupLines, this.channels,
				this.pin ? "servers pinned to CPU " + SERVER_CPU + ", load client to CPU " + LOAD_CPU + " (taskset)"
						: "no CPU pinning");
	}

	private void compileC() throws IOException, InterruptedException {
		Path out = this.targetDir.resolve("c");
		Files.createDirectories(out);
		this.echoBinary = out.resolve("echo");
		this.loadBinary = out.resolve("load");
		for (Path binary : List.of(this.echoBinary, this.loadBinary)) {
			Path source = this.benchmarksDir.resolve("c").resolve(binary.getFileName() + ".c");
			if (!Files.exists(source)) {
				throw new IOException(source + " not found; run from the repository root or pass --benchmarks-dir");
			}
			String output = exec(List.of("gcc", "-O2", "-pthread", "-o", binary.toString(), source.toString()),
					Duration.ofMinutes(2), true);
			if (!output.isBlank()) {
				System.out.println(output);
			}
		}
		System.out.println("Compiled " + this.echoBinary + " and " + this.loadBinary + " with gcc -O2 -pthread");
	}

	private void checkPinning() {
		if (!this.pin) {
			return;
		}
		if (Runtime.getRuntime().availableProcessors() < 2) {
			System.out.println("Fewer than 2 CPUs: running without taskset pinning");
			this.pin = false;
			return;
		}
		try {
			exec(List.of("taskset", "-c", Integer.toString(SERVER_CPU), "true"), Duration.ofSeconds(10), true);
		}
		catch (Exception ex) {
			System.out.println("taskset not usable (" + ex.getMessage() + "): running without CPU pinning");
			this.pin = false;
		}
	}

	private List<String> pinned(int cpu, List<String> command) {
		if (!this.pin) {
			return command;
		}
		List<String> result = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
		result.addAll(command);
		return result;
	}

	private List<String> serverCommand(Variant variant, Path dir, List<String> extra) {
		List<String> command = new ArrayList<>();
		if (variant == Variant.C) {
			command.add(this.echoBinary.toString());
			command.add(dir.toString());
			return command;
		}
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(this.serverJvmArgs);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(BenchmarkMain.class.getName());
		switch (variant) {
			case ENGINE -> command.addAll(List.of("echo-engine", dir.toString()));
			case SPRING -> command.addAll(List.of("spring-echo", dir.toString()));
			case SPRING_NO_METRICS -> command.addAll(List.of("spring-echo", dir.toString(), "--no-metrics"));
			case SPRING_STRING -> command.addAll(List.of("spring-echo", dir.toString(), "--string"));
			default -> throw new IllegalStateException();
		}
		command.addAll(extra);
		return command;
	}

	private ServerProcess startServer(Variant variant, String tag, List<String> extra, boolean pinServer,
			Duration timeout) throws IOException, InterruptedException {
		Path dir = Files.createDirectory(this.workDir.resolve(variant.id + tag));
		List<String> command = serverCommand(variant, dir, extra);
		ServerProcess server = ServerProcess.start(variant.id + tag,
				pinServer ? pinned(SERVER_CPU, command) : command, dir, this.logDir.resolve(variant.id + tag + ".log"),
				variant.isJava());
		this.allProcesses.add(server);
		return server;
	}

	/** Wait until the FIFOs exist and one echo round trip works. */
	private String awaitReady(ServerProcess server, boolean java, Duration timeout) throws Exception {
		String ready = java ? server.awaitReply("ready", timeout) : "";
		long deadline = System.nanoTime() + timeout.toNanos();
		Path in = server.directory().resolve("echo.in");
		Path out = server.directory().resolve("echo.out");
		while (!(Files.exists(in) && Files.exists(out))) {
			if (!server.isAlive()) {
				throw new IOException(server.name() + " exited during start" + server.tail());
			}
			if (System.nanoTime() > deadline) {
				throw new IOException(server.name() + " created no FIFOs within " + timeout + server.tail());
			}
			Thread.sleep(20);
		}
		load("pingpong", server, 10, 100, Duration.ofSeconds(30));
		return ready;
	}

	// ---------------------------------------------------------------- throughput and latency

	private void measureThroughputAndLatency() throws Exception {
		System.out.println();
		System.out.println("== Throughput and latency ==");
		for (Variant variant : this.variants) {
			System.out.printf("Starting %-17s ... ", variant.id);
			ServerProcess server = startServer(variant, "", List.of(), true, Duration.ofSeconds(120));
			this.servers.put(variant, server);
			awaitReady(server, variant.isJava(), Duration.ofSeconds(120));
			System.out.printf(Locale.ROOT, "ready after %.1f s; warming up ... ", server.nanosSinceLaunch() / 1e9);
			for (int i = 0; i < 2; i++) {
				load("throughput", server, this.warmupLines, 100, throughputTimeout(this.warmupLines));
			}
			load("throughput", server, Math.max(1, this.warmupLines / 5), 1000,
					throughputTimeout(this.warmupLines / 5));
			load("pingpong", server, Math.min(2_000, this.roundtrips), 100, Duration.ofSeconds(120));
			System.out.println("done");
			Map<Metric, List<Double>> byMetric = new EnumMap<>(Metric.class);
			for (Metric metric : Metric.values()) {
				byMetric.put(metric, new ArrayList<>());
			}
			this.samples.put(variant, byMetric);
		}
		for (int run = 0; run < this.runs; run++) {
			List<Variant> order = new ArrayList<>(this.variants);
			java.util.Collections.rotate(order, -run);
			System.out.printf("Run %d/%d, order %s%n", run + 1, this.runs,
					order.stream().map((v) -> v.id).collect(Collectors.joining(" ")));
			for (Variant variant : order) {
				measure(variant, "throughput", this.lines100, 100, Metric.TP100);
			}
			for (Variant variant : order) {
				measure(variant, "throughput", this.lines1000, 1000, Metric.TP1000);
			}
			for (Variant variant : order) {
				measure(variant, "pingpong", this.roundtrips, 100, null);
			}
		}
		for (Variant variant : this.variants) {
			ServerProcess server = this.servers.get(variant);
			this.footprints.put(variant, ProcStatus.of(server.pid()));
			if (variant.isJava()) {
				this.infos.put(variant, server.command("info", Duration.ofSeconds(30)));
			}
		}
		System.out.println();
		String table = throughputTable();
		System.out.println(table);
		this.report.append("## Throughput and latency\n\n").append(table).append('\n');
		this.report.append(rawRunsTable()).append('\n');
		this.report.append(footprintTable()).append('\n');
	}

	private void measure(Variant variant, String mode, long count, int size, Metric metric) {
		ServerProcess server = this.servers.get(variant);
		Map<Metric, List<Double>> byMetric = this.samples.get(variant);
		try {
			long switchesBefore = ProcStatus.contextSwitches(server.pid());
			Map<String, String> result = load(mode, server, count, size,
					mode.equals("throughput") ? throughputTimeout(count) : pingpongTimeout(count));
			long switches = ProcStatus.contextSwitches(server.pid()) - switchesBefore;
			if (metric == Metric.TP100) {
				byMetric.get(Metric.CSW100).add(switches * 1000.0 / count);
			}
			if (metric != null) {
				double rate = Double.parseDouble(result.get("msg_per_s"));
				byMetric.get(metric).add(rate);
				System.out.printf(Locale.ROOT, "  %-17s %5d B  %,13.0f msg/s  (%.2f s)%n", variant.id, size, rate,
						Double.parseDouble(result.get("elapsed_s")));
			}
			else {
				double p50 = Double.parseDouble(result.get("p50_us"));
				double p99 = Double.parseDouble(result.get("p99_us"));
				byMetric.get(Metric.P50).add(p50);
				byMetric.get(Metric.P99).add(p99);
				System.out.printf(Locale.ROOT, "  %-17s ping-pong p50 %7.1f us  p99 %7.1f us%n", variant.id, p50,
						p99);
			}
		}
		catch (Exception ex) {
			System.out.println("  " + variant.id + " " + mode + " " + size + " B FAILED: " + ex.getMessage());
			if (metric != null) {
				byMetric.get(metric).add(Double.NaN);
				if (metric == Metric.TP100) {
					byMetric.get(Metric.CSW100).add(Double.NaN);
				}
			}
			else {
				byMetric.get(Metric.P50).add(Double.NaN);
				byMetric.get(Metric.P99).add(Double.NaN);
			}
		}
	}

	private static Duration throughputTimeout(long lines) {
		return Duration.ofSeconds(60 + lines / 50_000);
	}

	private static Duration pingpongTimeout(long roundtrips) {
		return Duration.ofSeconds(60 + roundtrips / 1_000);
	}

	/** Run the load client against a server; returns its key=value output. */
	private Map<String, String> load(String mode, ServerProcess server, long count, long size, Duration timeout)
			throws IOException, InterruptedException {
		List<String> command = pinned(LOAD_CPU, List.of(this.loadBinary.toString(), mode,
				server.directory().toString(), Long.toString(count), Long.toString(size)));
		Path out = this.workDir.resolve("load.out");
		Path err = this.workDir.resolve("load.err");
		Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
		if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			process.waitFor(5, TimeUnit.SECONDS);
			throw new IOException("load " + mode + " " + count + "x" + size + " B against " + server.name()
					+ " did not finish within " + timeout + " (server alive: " + server.isAlive() + ")"
					+ server.tail());
		}
		String stdout = Files.readString(out).trim();
		String stderr = Files.readString(err).trim();
		if (process.exitValue() != 0) {
			throw new IOException("load " + mode + " against " + server.name() + " failed (status "
					+ process.exitValue() + "): " + stdout + " " + stderr);
		}
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : stdout.split("\\s+")) {
			int equals = pair.indexOf('=');
			if (equals > 0) {
				values.put(pair.substring(0, equals), pair.substring(equals + 1));
			}
		}
		return values;
	}

	private double median(Variant variant, Metric metric) {
		Map<Metric, List<Double>> byMetric = this.samples.get(variant);
		return (byMetric != null) ? median(byMetric.get(metric)) : Double.NaN;
	}

	static double median(List<Double> values) {
		List<Double> sorted = values.stream().filter((v) -> !v.isNaN()).sorted().toList();
		if (sorted.isEmpty() || sorted.size() < values.size()) {
			return Double.NaN; // a failed run makes the median meaningless
		}
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private String throughputTable() {
		double c100 = median(Variant.C, Metric.TP100);
		double c1000 = median(Variant.C, Metric.TP1000);
		double cP99 = median(Variant.C, Metric.P99);
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "variant", "100 B msg/s", "ratio", "1000 B msg/s", "ratio", "p50 µs", "p99 µs",
				"p99 ratio" });
		for (Variant variant : this.variants) {
			double tp100 = median(variant, Metric.TP100);
			double tp1000 = median(variant, Metric.TP1000);
			double p99 = median(variant, Metric.P99);
			rows.add(new String[] { variant.label, count(tp100), ratio(tp100, c100), count(tp1000),
					ratio(tp1000, c1000), micros(median(variant, Metric.P50)), micros(p99), ratio(p99, cP99) });
		}
		return markdown(rows, 1, 2, 3, 4, 5, 6, 7) + "\nmsg/s: lines echoed per second, measured by the load client"
				+ " from its first write to its last reply; ratio: to the C echo in the same run; p50/p99: ping-pong"
				+ " round trip of one 100-byte line. Medians of " + this.runs + " run(s).\n";
	}

	private String rawRunsTable() {
		List<String[]> rows = new ArrayList<>();
		List<String> header = new ArrayList<>(List.of("variant", "measurement"));
		for (int run = 1; run <= this.runs; run++) {
			header.add("run " + run);
		}
		header.add("spread");
		rows.add(header.toArray(new String[0]));
		for (Variant variant : this.variants) {
			for (Metric metric : Metric.values()) {
				List<Double> values = this.samples.get(variant).get(metric);
				List<String> row = new ArrayList<>(List.of(variant.id, switch (metric) {
					case TP100 -> "100 B msg/s";
					case TP1000 -> "1000 B msg/s";
					case P50 -> "p50 µs";
					case P99 -> "p99 µs";
					case CSW100 -> "context switches / 1k lines (100 B)";
				}));
				for (double value : values) {
					row.add((metric == Metric.P50 || metric == Metric.P99 || metric == Metric.CSW100) ? micros(value)
							: count(value));
				}
				double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
				double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
				row.add(Double.isNaN(min) || min == 0 ? "–" : String.format(Locale.ROOT, "%.0f %%", (max - min) / min * 100));
				rows.add(row.toArray(new String[0]));
			}
		}
		int[] right = new int[this.runs + 1];
		for (int i = 0; i < right.length; i++) {
			right[i] = i + 2;
		}
		return "Every run (runs alternate the variants; spread = (max − min) / min; context switches: voluntary +"
				+ " non-voluntary of all the server's threads, /proc/<pid>/task/*/status, during the 100 B run):\n\n"
				+ markdown(rows, right);
	}

	private String footprintTable() {
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "variant", "RSS after the runs", "peak RSS (VmHWM)", "threads", "what is running" });
		for (Variant variant : this.variants) {
			ProcStatus status = this.footprints.get(variant);
			if (status == null) {
				continue;
			}
			rows.add(new String[] { variant.id, mib(status.rssKib()), mib(status.hwmKib()),
					Integer.toString(status.threads()), this.infos.getOrDefault(variant, "gcc -O2 echo.c") });
		}
		return "Server processes after the runs (/proc/<pid>/status; `info` is what the server reports about"
				+ " itself: meter registry, pipe-io meters, listener timer count, decorators):\n\n"
				+ markdown(rows, 1, 2, 3);
	}

	// ---------------------------------------------------------------- memory

	private void measureMemory() throws Exception {
		System.out.println();
		System.out.println("== Memory: one 16 MiB line echoed ==");
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "variant", "heap growth (peak − baseline)", "× line", "upper bound (pool peaks)",
				"× line", "allocated by pipe-io threads", "× line", "GCs", "echo time" });
		for (Variant variant : List.of(Variant.ENGINE, Variant.SPRING, Variant.SPRING_STRING)) {
			ServerProcess server = this.servers.get(variant);
			if (server == null) {
				continue;
			}
			try {
				load("throughput", server, 1, LINE_16_MIB, Duration.ofSeconds(120)); // first one: untimed
				List<long[]> measured = new ArrayList<>();
				int repetitions = 3;
				for (int i = 0; i < repetitions; i++) {
					server.command("mem-reset", Duration.ofSeconds(60));
					Map<String, String> echo = load("throughput", server, 1, LINE_16_MIB, Duration.ofSeconds(120));
					Map<String, String> mem = parsePairs(server.command("mem-report", Duration.ofSeconds(60)));
					long baseline = Long.parseLong(mem.get("baseline"));
					measured.add(new long[] { Long.parseLong(mem.get("peak")) - baseline,
							Long.parseLong(mem.get("peak_pools")) - baseline, Long.parseLong(mem.get("allocated")),
							Long.parseLong(mem.get("gcs")),
							Math.round(Double.parseDouble(echo.get("elapsed_s")) * 1000) });
				}
				measured.sort(Comparator.comparingLong((long[] m) -> m[0]));
				long[] median = measured.get(measured.size() / 2);
				String growths = measured.stream()
					.map((m) -> times(m[0]))
					.collect(Collectors.joining(", "));
				System.out.printf(Locale.ROOT,
						"  %-17s heap growth %s (%s x line; runs: %s), upper bound %s, allocated %s, %d GC(s)%n",
						variant.id, mib(median[0] / 1024), times(median[0]), growths, mib(median[1] / 1024),
						mib(median[2] / 1024), median[3]);
				rows.add(new String[] { variant.label, mib(median[0] / 1024), times(median[0]), mib(median[1] / 1024),
						times(median[1]), mib(median[2] / 1024), times(median[2]), Long.toString(median[3]),
						median[4] + " ms" });
				if (variant == Variant.ENGINE || variant == Variant.SPRING) {
					this.targets.add(new String[] { "16 MiB line, peak heap growth, " + variant.id,
							times(median[0]) + " × line", "< 3 ×", verdict(median[0] < 3L * LINE_16_MIB) });
				}
			}
			catch (Exception ex) {
				System.out.println("  " + variant.id + " memory test FAILED: " + ex.getMessage());
				rows.add(new String[] { variant.label, "FAILED", "", "", "", "", "", "", "" });
			}
		}
		String table = markdown(rows, 1, 2, 3, 4, 5, 6, 7, 8);
		this.report.append("## Memory: one 16 MiB line echoed\n\n")
			.append(table)
			.append("\nMethod: in the server process (max message size 32 MB), `mem-reset` runs System.gc() twice,"
					+ " takes the used heap (sum of the heap memory pools) as baseline, resets the pools' peak usage"
					+ " and starts a 1 ms sampler; the load client then sends one line of 16,777,216 bytes and waits"
					+ " for its echo; `mem-report` gives the peak used heap (the highest of the sampler's readings and"
					+ " of the heap usage before each GC, from GC notifications) and the sum of the pools' peaks (an"
					+ " upper bound: pools may peak at different moments). Garbage counts until a GC frees it."
					+ " \"Allocated\" is what the pipe-io reader and writer threads allocated meanwhile"
					+ " (com.sun.management.ThreadMXBean#getThreadAllocatedBytes), garbage included. Median of 3"
					+ " echoes after an untimed one; default JVM settings (G1, heap sized by the JVM).\n\n");
	}

	// ---------------------------------------------------------------- scale

	private void measureScale() throws Exception {
		System.out.println();
		System.out.println("== Scale: channels in one JVM ==");
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "variant", "channels", "launch → ready", "channels started in", "RSS", "threads",
				"RSS / channel", "threads / channel", "marginal RSS / channel", "marginal threads / channel",
				"after a full GC: live heap / committed heap / RSS" });
		for (Variant variant : List.of(Variant.ENGINE, Variant.SPRING)) {
			ProcStatus single = null;
			List<Integer> counts = (this.channels > 1) ? List.of(1, this.channels) : List.of(1);
			for (int count : counts) {
				try (ServerProcess server = startServer(variant, "-scale-" + count,
						List.of("--channels", Integer.toString(count)), false, Duration.ofSeconds(180))) {
					Map<String, String> ready = parsePairs(awaitReady(server, true, Duration.ofSeconds(180)));
					double launchToReady = server.nanosSinceLaunch() / 1e9;
					Thread.sleep(1000);
					ProcStatus status = ProcStatus.of(server.pid());
					Map<String, String> heap = parsePairs(server.command("gc", Duration.ofSeconds(60)));
					Thread.sleep(500);
					ProcStatus afterGc = ProcStatus.of(server.pid());
					String gcColumn = mib(Long.parseLong(heap.get("heap_used_kib"))) + " / "
							+ mib(Long.parseLong(heap.get("heap_committed_kib"))) + " / " + mib(afterGc.rssKib());
					long fifos;
					try (Stream<Path> files = Files.list(server.directory())) {
						fifos = files.count();
					}
					int declared = Integer.parseInt(ready.get("channels"));
					if (declared != count || fifos != 2L * count) {
						throw new IOException("expected " + count + " channels and " + 2 * count + " FIFOs, found "
								+ declared + " channels and " + fifos + " files");
					}
					double startSeconds = Long.parseLong(ready.get("channel_start_ms")) / 1000.0;
					String marginalRss = "";
					String marginalThreads = "";
					if (count == 1) {
						single = status;
					}
					else if (single != null) {
						marginalRss = kib((status.rssKib() - single.rssKib()) / (double) (count - 1));
						marginalThreads = String.format(Locale.ROOT, "%.2f",
								(status.threads() - single.threads()) / (double) (count - 1));
					}
					System.out.printf(Locale.ROOT,
							"  %-7s %5d channel(s): launch->ready %.2f s, channels started in %.2f s, RSS %s,"
									+ " %d threads%s; after a full GC (live heap / committed heap / RSS): %s%n",
							variant.id, count, launchToReady, startSeconds, mib(status.rssKib()), status.threads(),
							marginalRss.isEmpty() ? "" : ", marginal " + marginalRss + " and " + marginalThreads
									+ " threads per channel", gcColumn);
					rows.add(new String[] { variant.id, String.format(Locale.ROOT, "%,d", count),
							String.format(Locale.ROOT, "%.2f s", launchToReady),
							String.format(Locale.ROOT, "%.2f s", startSeconds), mib(status.rssKib()),
							Integer.toString(status.threads()), kib(status.rssKib() / (double) count),
							String.format(Locale.ROOT, "%.2f", status.threads() / (double) count), marginalRss,
							marginalThreads, gcColumn });
					if (count == this.channels && count > 1) {
						this.targets.add(new String[] { count + " channels, " + variant.id + ": launch → ready",
								String.format(Locale.ROOT, "%.2f s (channels %.2f s)", launchToReady, startSeconds),
								"< 5 s", verdict(launchToReady < 5) });
						this.targets.add(new String[] { count + " channels, " + variant.id + ": RSS",
								mib(status.rssKib()), "< 300 MiB", verdict(status.rssKib() < 300 * 1024) });
					}
				}
				catch (Exception ex) {
					System.out.println("  " + variant.id + " with " + count + " channels FAILED: " + ex.getMessage());
					rows.add(new String[] { variant.id, Integer.toString(count), "FAILED", "", "", "", "", "", "",
							"", "" });
				}
			}
		}
		String table = markdown(rows, 1, 2, 3, 4, 5, 6, 7, 8, 9);
		this.report.append("## Scale: channels in one JVM\n\n")
			.append(table)
			.append("\nEach row is a fresh server process, not pinned (both CPUs), default JVM settings. engine:"
					+ " N PipeServers started one after the other; spring: the Spring app with the echo channel plus"
					+ " N − 1 channels declared as pipe-io.channels.c1 … properties (no listeners; log level of"
					+ " io.pipeio at error so N \"no @PipeListener\" warnings are not what is timed). \"launch →"
					+ " ready\": from starting the process to the server reporting every channel started (the harness"
					+ " then checks an echo round trip and that 2 × N FIFOs exist); \"channels started in\": the"
					+ " channel start alone, timed inside the JVM. RSS and threads: /proc/<pid>/status (VmRSS,"
					+ " Threads) 1 s after ready; the targets are judged on these. Marginal: (value with N − value"
					+ " with 1 channel) / (N − 1). Then the server runs System.gc() and reports its live and committed"
					+ " heap, and RSS is read again: the difference is heap the JVM had committed for start-up"
					+ " garbage.\n\n");
	}

	// ---------------------------------------------------------------- report

	private String renderReport(String machine, double seconds) {
		double c100 = median(Variant.C, Metric.TP100);
		double cP99 = median(Variant.C, Metric.P99);
		List<String[]> goals = new ArrayList<>();
		goals.add(new String[] { "target", "measured", "goal", "met" });
		addRatioTarget(goals, Variant.SPRING, "Spring byte[] echo, 100 B, ratio to C echo", 0.5, c100);
		addRatioTarget(goals, Variant.SPRING_STRING, "Spring String echo, 100 B, ratio to C echo", 0.4, c100);
		for (Variant variant : List.of(Variant.ENGINE, Variant.SPRING, Variant.SPRING_NO_METRICS,
				Variant.SPRING_STRING)) {
			double p99 = median(variant, Metric.P99);
			if (this.variants.contains(variant) && this.variants.contains(Variant.C)) {
				goals.add(new String[] { "ping-pong p99, " + variant.id + " / C echo",
						String.format(Locale.ROOT, "%.2f ×", p99 / cP99), "≤ 1.2 ×", verdict(p99 / cP99 <= 1.2) });
			}
		}
		if (this.variants.contains(Variant.SPRING) && this.variants.contains(Variant.SPRING_NO_METRICS)) {
			for (Metric metric : List.of(Metric.TP100, Metric.TP1000, Metric.P99)) {
				double on = median(Variant.SPRING, metric);
				double off = median(Variant.SPRING_NO_METRICS, metric);
				double difference = Math.abs(on - off) / Math.max(on, off);
				goals.add(new String[] { "metrics on vs off, Spring byte[], " + switch (metric) {
					case TP100 -> "100 B msg/s";
					case TP1000 -> "1000 B msg/s";
					default -> "p99";
				}, String.format(Locale.ROOT, "%s vs %s (%.1f %% apart)",
						(metric == Metric.P99) ? micros(on) + " µs" : count(on),
						(metric == Metric.P99) ? micros(off) + " µs" : count(off), difference * 100), "≤ 10 % apart",
						verdict(difference <= 0.10) });
			}
		}
		this.targets.forEach(goals::add);
		String goalTable = markdown(goals);
		System.out.println();
		System.out.println("== Targets (a human compares; ratios are from this run) ==");
		System.out.println(goalTable);

		StringBuilder out = new StringBuilder();
		out.append("# pipe-io benchmark results\n\n");
		if (this.quick) {
			out.append("**QUICK run (development settings): small counts, one run; not for comparison.**\n\n");
		}
		out.append("Command: `").append(commandLine()).append("`  \n");
		out.append(settingsLine()).append(String.format(Locale.ROOT, "; took %.0f s.%n%n", seconds));
		out.append("## Machine\n\n").append(machine);
		out.append("\nLoad average at the end: ").append(readFirstLine(Path.of("/proc/loadavg")))
			.append(" (the run itself keeps about 2–3 runnable; a higher value at the start means other work shared"
					+ " the CPUs).\n\n");
		out.append("## Targets\n\n").append(goalTable).append('\n');
		out.append(this.report);
		out.append("Server logs of this run: `benchmarks/target/bench-logs/`.\n");
		return out.toString();
	}

	private void addRatioTarget(List<String[]> goals, Variant variant, String name, double goal, double c100) {
		if (this.variants.contains(variant) && this.variants.contains(Variant.C)) {
			double ratio = median(variant, Metric.TP100) / c100;
			goals.add(new String[] { name, String.format(Locale.ROOT, "%.2f", ratio), "≥ " + goal,
					verdict(ratio >= goal) });
		}
	}

	private String commandLine() {
		return ("java -jar benchmarks/target/pipe-io-benchmarks.jar run " + String.join(" ", this.args)).trim();
	}

	private String describeMachine() {
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "what", "value" });
		rows.add(new String[] { "date", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME) });
		rows.add(new String[] { "nproc", quietExec(List.of("nproc"), Integer.toString(
				Runtime.getRuntime().availableProcessors())) });
		rows.add(new String[] { "memory (free -h, total)", totalMemory() });
		rows.add(new String[] { "CPU", cpuModel() });
		rows.add(new String[] { "kernel", System.getProperty("os.name") + " " + System.getProperty("os.version") });
		rows.add(new String[] { "JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
				+ " (" + ProcessHandle.current().info().command().orElse("java") + ")" });
		rows.add(new String[] { "gcc", quietExec(List.of("gcc", "--version"), "?").lines().findFirst().orElse("?") });
		rows.add(new String[] { "pipe-max-size", readFirstLine(Path.of("/proc/sys/fs/pipe-max-size")) });
		rows.add(new String[] { "load average at start", readFirstLine(Path.of("/proc/loadavg")) });
		return markdown(rows);
	}

	private static String totalMemory() {
		String free = quietExec(List.of("free", "-h"), "");
		for (String line : free.lines().toList()) {
			if (line.startsWith("Mem:")) {
				return line.trim().split("\\s+")[1];
			}
		}
		return "?";
	}

	private static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// Not Linux.
		}
		return "?";
	}

	private static String readFirstLine(Path path) {
		try {
			return Files.readAllLines(path).get(0).trim();
		}
		catch (Exception ex) {
			return "?";
		}
	}

	// ---------------------------------------------------------------- helpers

	private void stopServers() {
		for (ServerProcess server : this.servers.values()) {
			server.close();
		}
		this.servers.clear();
	}

	private static String quietExec(List<String> command, String fallback) {
		try {
			return exec(command, Duration.ofSeconds(10), true).trim();
		}
		catch (Exception ex) {
			return fallback;
		}
	}

	private static String exec(List<String> command, Duration timeout, boolean requireSuccess)
			throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException(String.join(" ", command) + " timed out");
		}
		String text = new String(output, StandardCharsets.UTF_8);
		if (requireSuccess && process.exitValue() != 0) {
			throw new IOException(String.join(" ", command) + " failed: " + text);
		}
		return text;
	}

	private static Map<String, String> parsePairs(String text) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : text.trim().split("\\s+")) {
			int equals = pair.indexOf('=');
			if (equals > 0) {
				values.put(pair.substring(0, equals), pair.substring(equals + 1));
			}
		}
		return values;
	}

	private static String verdict(boolean met) {
		return met ? "yes" : "**no**";
	}

	private static String count(double value) {
		return Double.isNaN(value) ? "FAILED" : String.format(Locale.ROOT, "%,.0f", value);
	}

	private static String micros(double value) {
		return Double.isNaN(value) ? "FAILED" : String.format(Locale.ROOT, "%.1f", value);
	}

	private static String ratio(double value, double reference) {
		return (Double.isNaN(value) || Double.isNaN(reference)) ? "–"
				: String.format(Locale.ROOT, "%.2f", value / reference);
	}

	private static String times(long bytes) {
		return String.format(Locale.ROOT, "%.2f", bytes / (double) LINE_16_MIB);
	}

	private static String mib(long kib) {
		return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
	}

	private static String kib(double kib) {
		return String.format(Locale.ROOT, "%.0f KiB", kib);
	}

	/** A Markdown table with aligned columns; the given columns are right-aligned. */
	static String markdown(List<String[]> rows, int... rightAligned) {
		int columns = rows.get(0).length;
		int[] widths = new int[columns];
		for (String[] row : rows) {
			for (int i = 0; i < columns; i++) {
				widths[i] = Math.max(Math.max(widths[i], 3), (i < row.length ? row[i] : "").length());
			}
		}
		Set<Integer> right = Arrays.stream(rightAligned).boxed().collect(Collectors.toSet());
		StringBuilder out = new StringBuilder();
		for (int r = 0; r < rows.size(); r++) {
			String[] row = rows.get(r);
			out.append('|');
			for (int i = 0; i < columns; i++) {
				String cell = (i < row.length) ? row[i] : "";
				String padded = right.contains(i) ? " ".repeat(widths[i] - cell.length()) + cell
						: cell + " ".repeat(widths[i] - cell.length());
				out.append(' ').append(padded).append(" |");
			}
			out.append('\n');
			if (r == 0) {
				out.append('|');
				for (int i = 0; i < columns; i++) {
					out.append(right.contains(i) ? "-".repeat(widths[i] + 1) + ":|" : "-".repeat(widths[i] + 2) + "|");
				}
				out.append('\n');
			}
		}
		return out.toString();
	}

	private static void deleteRecursively(Path root) {
		if (root == null || !Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// Best effort.
				}
			});
		}
		catch (IOException ex) {
			// Best effort.
		}
	}

}

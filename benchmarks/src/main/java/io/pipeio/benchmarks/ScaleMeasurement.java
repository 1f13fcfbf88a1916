package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The scale test, per engine: start time, resident memory, threads and open file
 * descriptors of a fresh engine server and a fresh Spring app with 1 channel and with N
 * channels (1,000, and 9,000 in a full run), the round trip of the echo channel beside
 * the N − 1 others, and from the 1-channel server the cost of each further channel. A
 * server that would exceed the descriptor or thread limits (estimated from the smaller
 * one's cost per channel) is not started; the report says why. Each server is a fresh
 * process, not pinned to a CPU, stopped after its row; the throughput servers are stopped
 * before this test so they do not share the machine. {@link ScaleTargets} judges the
 * Spring rows.
 *
 * @author pipe-io
 */
final class ScaleMeasurement {

	/** How long an idle server's CPU time is measured. */
	private static final long IDLE_MILLIS = 5000;

	private static final List<Variant> SERVERS = List.of(Variant.ENGINE, Variant.ENGINE_EL, Variant.SPRING,
			Variant.SPRING_EL);

	private final RunSettings settings;

	private final ServerLauncher launcher;

	private final LoadClient load;

	private final ProcessLimits limits = ProcessLimits.read();

	/**
	 * @param settings the run's settings: channel counts, variants, round trips
	 * @param launcher starts the servers
	 * @param load the load client of the echo round trips (not pinned, like the servers)
	 */
	ScaleMeasurement(RunSettings settings, ServerLauncher launcher, LoadClient load) {
		this.settings = settings;
		this.launcher = launcher;
		this.load = load;
	}

	/**
	 * Measure, print, and add the section and the targets to the report.
	 * @param report the report
	 */
	void run(Report report) {
		System.out.println();
		System.out.println("== Scale: channels in one JVM ==");
		List<String[]> rows = new ArrayList<>();
		rows.add(ScaleRow.header());
		ScaleTargets targets = new ScaleTargets(report);
		StringBuilder notes = new StringBuilder();
		List<Integer> counts = new ArrayList<>(List.of(1));
		counts.addAll(this.settings.channels);
		for (Variant variant : SERVERS) {
			if (!this.settings.variants.contains(variant)) {
				continue;
			}
			ScaleRow single = null;
			ScaleRow largest = null;
			for (int count : counts) {
				String reason = (count > 1) ? whyNot(single, largest, count) : null;
				if (reason != null) {
					System.out.printf(Locale.ROOT, "  %-9s %,6d channels %s%n", variant.id, count, reason);
					rows.add(new String[] { variant.id, String.format(Locale.ROOT, "%,d", count), "not run" });
					notes.append(String.format(Locale.ROOT, "%n%s with %,d channels %s.%n", variant.id, count, reason));
					targets.notMeasured(variant, count, reason);
					continue;
				}
				try {
					ScaleRow row = measure(variant, count);
					single = (count == 1) ? row : single;
					largest = row;
					rows.add(row.cells(single));
					targets.judge(row, single);
				}
				catch (Exception ex) {
					System.out.println("  " + variant.id + " with " + count + " channels FAILED: " + ex.getMessage());
					rows.add(new String[] { variant.id, String.format(Locale.ROOT, "%,d", count), "FAILED" });
					targets.notMeasured(variant, count, "FAILED (see the log)");
				}
			}
			if (variant.engine == Variant.Engine.EVENT_LOOP && single != null && largest != single
					&& largest.marginal(single)[1] >= 1) {
				notes.append("\n**")
					.append(variant.id)
					.append(" started about one thread or more per channel: this build ran the thread engine for"
							+ " `event-loop`.**\n");
			}
		}
		String table = Formats.markdown(rows, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13);
		String judged = targets.table();
		System.out.println(judged);
		report.append("## Scale: channels in one JVM\n\n").append(table).append(notes.toString());
		if (!judged.isEmpty()) {
			report.append("\nTargets of the Spring app, per engine (added: N channels against 1 in this run):\n\n")
				.append(judged);
		}
		report.append("\nEach row is a fresh server process, not pinned (both CPUs), default JVM settings. engine:"
				+ " N PipeServers started one after the other; spring: the Spring app with the echo channel plus"
				+ " N − 1 channels declared as pipe-io.channels.c1 … properties (no listeners; log level of"
				+ " io.pipeio at error so N \"no @PipeListener\" warnings are not what is timed); -el: the same"
				+ " with the event-loop engine. \"launch → ready\": from starting the process to the server"
				+ " reporting every channel started (the harness then checks an echo round trip and that 2 × N"
				+ " FIFOs exist); \"channels started in\": the channel start alone, timed inside the JVM. RSS,"
				+ " threads: /proc/<pid>/status (VmRSS, Threads), open fds: the entries of /proc/<pid>/fd, 1 s after"
				+ " ready; the targets are judged on these. Echo p50 / p99: ping-pong of 100-byte lines on the echo"
				+ " channel beside the others (after 2,000 untimed), load client not pinned. Marginal: (value with N"
				+ " − value with 1 channel) / (N − 1). A server whose descriptors or threads, estimated from the"
				+ " largest one measured before it, would pass this machine's limits is not started. Then the"
				+ " server runs System.gc() and reports its live and committed heap, and RSS is read again: the"
				+ " difference is heap the JVM had committed for start-up garbage. Idle CPU: the server's CPU time"
				+ " (/proc/<pid>/stat, user + system) over 5 s without a client, as a share of one CPU. Stop: from"
				+ " asking the server to quit to its exit, every channel stopped (the Spring app within its"
				+ " shutdown phase timeout of 4 s per phase).\n\n");
	}

	/**
	 * @return why a server with {@code count} channels is not started, or null to start
	 * it
	 */
	private String whyNot(ScaleRow single, ScaleRow largest, int count) {
		if (single == null || largest == null || largest == single) {
			return null; // nothing to estimate from: try
		}
		double[] marginal = largest.marginal(single);
		long fds = Math.round(single.status().fds() + marginal[2] * (count - 1));
		long threads = Math.round(single.status().threads() + marginal[1] * (count - 1));
		return this.limits.whyNot(fds, threads);
	}

	/**
	 * Start one server with {@code count} channels, measure it, then stop it.
	 * @return its row
	 */
	private ScaleRow measure(Variant variant, int count) throws Exception {
		try (ServerProcess server = this.launcher.start(variant, "-scale-" + count,
				List.of("--channels", Integer.toString(count)), false)) {
			Map<String, String> ready = Shell
				.pairs(this.launcher.awaitReady(server, Duration.ofSeconds(180 + count / 20)));
			double launchToReady = server.nanosSinceLaunch() / 1e9;
			// Let start-up threads and lazy initialisation settle before reading the
			// footprint.
			Thread.sleep(1000);
			ProcStatus status = ProcStatus.of(server.pid());
			checkChannels(server.directory(), count, ready);
			int roundtrips = this.settings.roundtrips;
			this.load.run("pingpong", server, 2_000, 100, LoadClient.pingpongTimeout(2_000));
			Map<String, String> echo = this.load.run("pingpong", server, roundtrips, 100,
					LoadClient.pingpongTimeout(roundtrips));
			Map<String, String> heap = Shell.pairs(server.command("gc", Duration.ofSeconds(60)));
			Thread.sleep(500);
			ProcStatus afterGc = ProcStatus.of(server.pid());
			String gcColumn = Formats.mib(Long.parseLong(heap.get("heap_used_kib"))) + " / "
					+ Formats.mib(Long.parseLong(heap.get("heap_committed_kib"))) + " / "
					+ Formats.mib(afterGc.rssKib());
			// Idle: no client, every channel waiting; what the engine's own checks cost.
			long cpuBefore = ProcStatus.cpuMillis(server.pid());
			Thread.sleep(IDLE_MILLIS);
			double idleCpu = (ProcStatus.cpuMillis(server.pid()) - cpuBefore) * 100.0 / IDLE_MILLIS;
			long stopStart = System.nanoTime();
			server.close();
			double stop = (System.nanoTime() - stopStart) / 1e9;
			ScaleRow row = new ScaleRow(variant, count, launchToReady,
					Long.parseLong(ready.get("channel_start_ms")) / 1000.0, status,
					Double.parseDouble(echo.get("p50_us")), Double.parseDouble(echo.get("p99_us")), gcColumn, idleCpu,
					stop);
			System.out.printf(Locale.ROOT,
					"  %-9s %,6d channel(s): launch->ready %.2f s, channels started in %.2f s, RSS %s, %d threads,"
							+ " %d fds, echo p50 %.1f us p99 %.1f us; after a full GC (live / committed heap / RSS): %s;"
							+ " idle CPU %.1f %%, stopped in %.2f s%n",
					variant.id, count, launchToReady, row.channelsStarted(), Formats.mib(status.rssKib()),
					status.threads(), status.fds(), row.p50(), row.p99(), gcColumn, idleCpu, stop);
			return row;
		}
	}

	/**
	 * A server that started fewer channels than asked would make every per-channel figure
	 * wrong.
	 */
	private static void checkChannels(Path directory, int count, Map<String, String> ready) throws IOException {
		long fifos;
		// Only the FIFOs: the directory also holds the engine's lock file.
		try (Stream<Path> files = Files.list(directory)) {
			fifos = files.filter(ScaleMeasurement::isFifo).count();
		}
		int declared = Integer.parseInt(ready.get("channels"));
		if (declared != count || fifos != 2L * count) {
			throw new IOException("expected " + count + " channels and " + 2 * count + " FIFOs, found " + declared
					+ " channels and " + fifos + " FIFOs");
		}
	}

	private static boolean isFifo(Path path) {
		try {
			// Neither a regular file, a directory nor a link: on Linux's pipe
			// directories, a FIFO.
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
		}
		catch (IOException ex) {
			return false;
		}
	}

}

package io.pipeio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The scale test: start time, resident memory and threads of a fresh engine and a fresh
 * Spring server with 1 channel and with N channels (1,000 in a full run), and from the
 * two the cost of each further channel. Each server is a fresh process, not pinned to a
 * CPU, stopped after its row; the throughput servers are stopped before this test so they
 * do not share the machine.
 *
 * @author pipe-io
 */
final class ScaleMeasurement {

	private final int channels;

	private final ServerLauncher launcher;

	/**
	 * @param channels N, the channel count of the large server
	 * @param launcher starts the servers
	 */
	ScaleMeasurement(int channels, ServerLauncher launcher) {
		this.channels = channels;
		this.launcher = launcher;
	}

	/**
	 * Measure, print, and add the section and the targets to the report.
	 * @param report the report
	 */
	void run(Report report) {
		System.out.println();
		System.out.println("== Scale: channels in one JVM ==");
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "variant", "channels", "launch → ready", "channels started in", "RSS", "threads",
				"RSS / channel", "threads / channel", "marginal RSS / channel", "marginal threads / channel",
				"after a full GC: live heap / committed heap / RSS" });
		for (Variant variant : List.of(Variant.ENGINE, Variant.SPRING)) {
			// The 1-channel server is the reference the marginal cost per channel is
			// computed from.
			ProcStatus single = null;
			List<Integer> counts = (this.channels > 1) ? List.of(1, this.channels) : List.of(1);
			for (int count : counts) {
				try {
					ProcStatus status = measure(variant, count, single, rows, report);
					if (count == 1) {
						single = status;
					}
				}
				catch (Exception ex) {
					System.out.println("  " + variant.id + " with " + count + " channels FAILED: " + ex.getMessage());
					rows.add(new String[] { variant.id, Integer.toString(count), "FAILED", "", "", "", "", "", "", "",
							"" });
				}
			}
		}
		String table = Formats.markdown(rows, 1, 2, 3, 4, 5, 6, 7, 8, 9);
		report.append("## Scale: channels in one JVM\n\n")
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

	/**
	 * Start one server with {@code count} channels, measure it, print and add its row
	 * (and, for N channels, its targets), then stop it.
	 * @param single the 1-channel server's status, null if there is none (yet)
	 * @return the server's status 1 s after ready
	 */
	private ProcStatus measure(Variant variant, int count, ProcStatus single, List<String[]> rows, Report report)
			throws Exception {
		try (ServerProcess server = this.launcher.start(variant, "-scale-" + count,
				List.of("--channels", Integer.toString(count)), false)) {
			Map<String, String> ready = Shell.pairs(this.launcher.awaitReady(server, Duration.ofSeconds(180)));
			double launchToReady = server.nanosSinceLaunch() / 1e9;
			// Let start-up threads and lazy initialisation settle before reading the
			// footprint.
			Thread.sleep(1000);
			ProcStatus status = ProcStatus.of(server.pid());
			Map<String, String> heap = Shell.pairs(server.command("gc", Duration.ofSeconds(60)));
			Thread.sleep(500);
			ProcStatus afterGc = ProcStatus.of(server.pid());
			String gcColumn = Formats.mib(Long.parseLong(heap.get("heap_used_kib"))) + " / "
					+ Formats.mib(Long.parseLong(heap.get("heap_committed_kib"))) + " / "
					+ Formats.mib(afterGc.rssKib());
			checkChannels(server.directory(), count, ready);
			double startSeconds = Long.parseLong(ready.get("channel_start_ms")) / 1000.0;
			String marginalRss = "";
			String marginalThreads = "";
			if (count != 1 && single != null) {
				marginalRss = Formats.kib((status.rssKib() - single.rssKib()) / (double) (count - 1));
				marginalThreads = String.format(Locale.ROOT, "%.2f",
						(status.threads() - single.threads()) / (double) (count - 1));
			}
			System.out.printf(Locale.ROOT,
					"  %-7s %5d channel(s): launch->ready %.2f s, channels started in %.2f s, RSS %s,"
							+ " %d threads%s; after a full GC (live heap / committed heap / RSS): %s%n",
					variant.id, count, launchToReady, startSeconds, Formats.mib(status.rssKib()), status.threads(),
					marginalRss.isEmpty() ? ""
							: ", marginal " + marginalRss + " and " + marginalThreads + " threads per channel",
					gcColumn);
			rows.add(new String[] { variant.id, String.format(Locale.ROOT, "%,d", count), seconds(launchToReady),
					seconds(startSeconds), Formats.mib(status.rssKib()), Integer.toString(status.threads()),
					Formats.kib(status.rssKib() / (double) count),
					String.format(Locale.ROOT, "%.2f", status.threads() / (double) count), marginalRss, marginalThreads,
					gcColumn });
			if (count == this.channels && count > 1) {
				report.target(count + " channels, " + variant.id + ": launch → ready",
						String.format(Locale.ROOT, "%.2f s (channels %.2f s)", launchToReady, startSeconds), "< 5 s",
						launchToReady < 5);
				report.target(count + " channels, " + variant.id + ": RSS", Formats.mib(status.rssKib()), "< 300 MiB",
						status.rssKib() < 300 * 1024);
			}
			return status;
		}
	}

	/**
	 * A server that started fewer channels than asked would make every per-channel figure
	 * wrong.
	 */
	private static void checkChannels(Path directory, int count, Map<String, String> ready) throws IOException {
		long fifos;
		try (Stream<Path> files = Files.list(directory)) {
			fifos = files.count();
		}
		int declared = Integer.parseInt(ready.get("channels"));
		if (declared != count || fifos != 2L * count) {
			throw new IOException("expected " + count + " channels and " + 2 * count + " FIFOs, found " + declared
					+ " channels and " + fifos + " files");
		}
	}

	private static String seconds(double value) {
		return String.format(Locale.ROOT, "%.2f s", value);
	}

}

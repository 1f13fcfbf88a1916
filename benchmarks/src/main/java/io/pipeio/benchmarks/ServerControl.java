package io.pipeio.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The side of a benchmark server process that the harness talks to: commands arrive one
 * per line on standard input, replies are printed on standard output prefixed with
 * {@value #PREFIX} (so the harness can tell them from log output). The process exits when
 * standard input closes, so a server never outlives its harness.
 * <p>
 * Commands: {@code mem-reset} and {@code mem-report} (the heap probe, see
 * {@link HeapProbe}), {@code info} (whatever the server wants to say about itself),
 * {@code gc} (a full GC, then the live and committed heap), {@code quit}.
 *
 * @author pipe-io
 */
final class ServerControl {

	static final String PREFIX = "@@ ";

	private final HeapProbe heap = new HeapProbe();

	private final Supplier<String> info;

	private final Runnable shutdown;

	ServerControl(Supplier<String> info, Runnable shutdown) {
		this.info = info;
		this.shutdown = shutdown;
	}

	/**
	 * @return the JVM facts that shape the numbers: CPUs it sees, garbage collectors, max
	 * heap
	 */
	static String jvmInfo() {
		String collectors = ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.map((gc) -> gc.getName().replace(' ', '_'))
			.collect(java.util.stream.Collectors.joining(","));
		java.lang.management.MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		return "cpus=" + Runtime.getRuntime().availableProcessors() + " gc=" + collectors + " max_heap_mib="
				+ Runtime.getRuntime().maxMemory() / (1024 * 1024) + " heap_used_mib=" + heap.getUsed() / (1024 * 1024)
				+ " heap_committed_mib=" + heap.getCommitted() / (1024 * 1024);
	}

	/** A full GC, then the heap: what is live, and what the JVM keeps committed. */
	private static String gc() {
		System.gc();
		java.lang.management.MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		return "heap_used_kib=" + heap.getUsed() / 1024 + " heap_committed_kib=" + heap.getCommitted() / 1024;
	}

	/**
	 * Announce that the server serves, in the format the harness parses.
	 * @param channels how many channels were started
	 * @param channelStartMillis how long starting them took, timed inside the JVM
	 */
	static void ready(int channels, long channelStartMillis) {
		reply("ready channels=" + channels + " channel_start_ms=" + channelStartMillis + " jvm_uptime_ms="
				+ ManagementFactory.getRuntimeMXBean().getUptime());
	}

	static void reply(String line) {
		synchronized (System.out) {
			System.out.println(PREFIX + line);
			System.out.flush();
		}
	}

	/**
	 * Serve commands on the calling thread until standard input closes or {@code quit}.
	 */
	void serve() {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		try {
			String command;
			while ((command = in.readLine()) != null) {
				switch (command.trim()) {
					case "mem-reset" -> reply("mem-reset " + this.heap.reset());
					case "mem-report" -> reply("mem-report " + this.heap.report());
					case "info" -> reply("info " + this.info.get());
					case "gc" -> reply("gc " + gc());
					case "quit" -> {
						reply("bye");
						this.shutdown.run();
						return;
					}
					case "" -> {
					}
					default -> reply("error unknown command '" + command + "'");
				}
			}
		}
		catch (IOException ex) {
			// Standard input is gone: the harness died.
		}
		this.shutdown.run();
	}

}

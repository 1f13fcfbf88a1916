package io.pipeio.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plug-in in a JVM of its own that then shuts down, and has the plug-in end while
 * the shutdown hooks run, as Ctrl-C in a terminal does (which sends SIGINT to both):
 * prints how the supervisor took the exit ({@code exited <code> restart=<boolean>
 * <state>}).
 */
final class ExitDuringShutdownMain {

	private ExitDuringShutdownMain() {
	}

	public static void main(String[] args) throws Exception {
		Path directory = Path.of(args[0]);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch exited = new CountDownLatch(1);
		StringBuilder report = new StringBuilder();
		PluginObserver observer = new PluginObserver() {

			@Override
			public void onStarted(PluginSupervisor plugin, long pid) {
				started.countDown();
			}

			@Override
			public void onExited(PluginSupervisor plugin, PluginExit exit) {
				synchronized (report) {
					report.append("exited ").append(exit.code()).append(" restart=").append(exit.willRestart());
				}
				exited.countDown();
			}

		};
		// "first <code>": the plug-in ends a moment before the shutdown begins, with the
		// code of an exit on a signal (130: SIGINT); else it is killed while the shutdown
		// hooks run.
		boolean first = args.length > 2 && args[1].equals("first");
		Path trigger = directory.resolve("trigger");
		List<String> command = first ? List.of("bash", "-c",
				"while [ ! -e \"$0\" ]; do sleep 0.01; done; exit " + Integer.parseInt(args[2]), trigger.toString())
				: List.of("sleep", "1000");
		PluginSupervisor supervisor = new PluginSupervisor("test",
				PluginSettings.of(command).withProcess(null, java.util.Map.of(), false), directory.resolve("test.in"),
				directory.resolve("test.out"), observer);
		supervisor.start();
		if (!started.await(30, TimeUnit.SECONDS)) {
			System.out.println("not started");
			return;
		}
		long pid = supervisor.getPid();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try {
				// SIGKILL: SIGINT, as Ctrl-C sends it, may be ignored here, inherited
				// from a shell that started the build in the background
				if (!first) {
					ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
				}
				boolean told = exited.await(30, TimeUnit.SECONDS);
				synchronized (report) {
					System.out.println(told ? report + " " + supervisor.getState() : "no exit");
				}
			}
			catch (Exception ex) {
				System.out.println(ex);
			}
			finally {
				supervisor.stop();
			}
		}));
		if (first) {
			java.nio.file.Files.createFile(trigger);
			// the exit is seen a moment before the hooks begin, as it may be on Ctrl-C
			Thread.sleep(200);
		}
		System.exit(0);
	}

}

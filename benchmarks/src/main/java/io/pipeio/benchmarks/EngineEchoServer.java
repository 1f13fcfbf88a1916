package io.pipeio.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.pipeio.server.LineHandler;
import io.pipeio.server.PipeEngine;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.server.ReplySink;

/**
 * The pipe-io engine alone: {@link PipeServer}s whose {@code LineHandler} echoes every
 * line through its reply sink, {@code replies.send(Arrays.copyOfRange(...))} (a large
 * line, already in an array of its own, is sent as is). No Spring, no metrics.
 *
 * <pre>
 * echo-engine DIR [--channels N] [--max-message-size BYTES] [--buffer-size BYTES] [--engine auto|event-loop|threads]
 * </pre>
 *
 * Serves channel {@code echo} (DIR/echo.in, DIR/echo.out) and, with {@code --channels N},
 * N - 1 more echo channels {@code c1 ... c(N-1)}.
 *
 * @author pipe-io
 */
final class EngineEchoServer {

	private EngineEchoServer() {
	}

	static void main(List<String> args) throws Exception {
		Arguments arguments = new Arguments(args);
		Path directory = Path.of(arguments.positional(0, "DIR")).toAbsolutePath();
		int channels = arguments.intOption("--channels", 1);
		int maxMessageSize = (int) arguments.sizeOption("--max-message-size", 32L * 1024 * 1024);
		int bufferSize = (int) arguments.sizeOption("--buffer-size", PipeServerSettings.DEFAULT_BUFFER_SIZE);
		PipeEngine engine = engine(arguments.option("--engine", PipeEngine.AUTO.value()));
		List<PipeServer> servers = new ArrayList<>(channels);
		long start = System.nanoTime();
		for (int i = 0; i < channels; i++) {
			String name = (i == 0) ? "echo" : "c" + i;
			PipeServerSettings settings = PipeServerSettings
				.builder(name, directory.resolve(name + ".in"), directory.resolve(name + ".out"))
				.maxMessageSize(maxMessageSize)
				.bufferSize(bufferSize)
				.engine(engine)
				.build();
			PipeServer server = new PipeServer(settings, new LineHandler() {

				@Override
				public void onLine(byte[] buffer, int offset, int length) {
					throw new IllegalStateException("The engine gives a handler a reply sink");
				}

				@Override
				public void onLine(byte[] buffer, int offset, int length, ReplySink replies) {
					replies.send(Arrays.copyOfRange(buffer, offset, offset + length));
				}

				@Override
				public void onOwnedLine(byte[] line, ReplySink replies) {
					replies.send(line); // a large line is already an array of its own
				}

			});
			server.start();
			servers.add(server);
		}
		long startMillis = (System.nanoTime() - start) / 1_000_000;
		ServerControl.ready(channels, startMillis);
		new ServerControl(() -> "variant=engine engine=" + engine.value() + " channels=" + channels + " buffer_size="
				+ bufferSize + " max_message_size=" + maxMessageSize + " " + ServerControl.jvmInfo(), () -> {
					servers.forEach((server) -> server.stop(java.time.Duration.ofSeconds(2)));
					System.exit(0);
				})
			.serve();
	}

	private static PipeEngine engine(String value) {
		for (PipeEngine engine : PipeEngine.values()) {
			if (engine.value().equals(value)) {
				return engine;
			}
		}
		throw new IllegalArgumentException("Unknown engine '" + value + "'; use auto, event-loop or threads");
	}

}

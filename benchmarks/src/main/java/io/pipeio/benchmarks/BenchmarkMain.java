package io.pipeio.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code pipe-io-benchmarks.jar}; the first argument is the sub-command.
 *
 * <pre>
 * run [--quick] [options]      the whole benchmark: C echo vs engine vs Spring per engine, memory, dispatch cost, scale
 * echo-engine DIR [options]    a server process: the pipe-io engine alone
 * spring-echo DIR [options]    a server process: Spring Boot with a @PipeListener
 * jmh [JMH options]            the JMH micro-benchmarks (org.openjdk.jmh.Main)
 * </pre>
 *
 * @author pipe-io
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			usage();
			System.exit(2);
		}
		List<String> rest = Arrays.asList(args).subList(1, args.length);
		switch (args[0]) {
			case "run" -> {
				if (rest.contains("--help") || rest.contains("-h")) {
					usage();
					return;
				}
				Harness harness;
				try {
					harness = new Harness(rest);
				}
				catch (IllegalArgumentException ex) {
					System.err.println(ex.getMessage());
					System.err.println("See: java -jar pipe-io-benchmarks.jar help");
					System.exit(2);
					return;
				}
				System.exit(harness.run());
			}
			case "echo-engine" -> EngineEchoServer.main(rest);
			case "spring-echo" -> SpringEchoServer.main(rest);
			case "jmh" -> org.openjdk.jmh.Main.main(rest.toArray(new String[0]));
			case "help", "-h", "--help" -> usage();
			default -> {
				System.err.println("Unknown sub-command '" + args[0] + "'");
				usage();
				System.exit(2);
			}
		}
	}

	private static void usage() {
		System.out.println("""
				usage: java -jar pipe-io-benchmarks.jar COMMAND ...

				  run [--quick] [--runs N] [--lines N] [--lines-1000 N] [--roundtrips N] [--warmup N]
				      [--channels N[,N...]] [--engines threads,event-loop]
				      [--variants all | c,engine,engine-el,spring,spring-el,spring-nometrics,...]
				      [--skip-memory] [--skip-dispatch] [--skip-scale] [--no-pin]
				      [--update-results | --results FILE]
				        The benchmark: compiles the C echo and load client, runs every variant (each Java one
				        per engine) against the same load client, pinned and not pinned, measures the dispatch
				        cost per line with JMH and the cost of channels per engine, prints the tables
				        and writes benchmarks/target/RESULTS.md (RESULTS-quick.md with --quick);
				        --update-results writes the committed benchmarks/RESULTS.md instead.
				  echo-engine DIR [--channels N] [--max-message-size SIZE] [--buffer-size SIZE]
				      [--engine ENGINE]
				        Server process: PipeServer(s) echoing byte[] lines (no Spring).
				  spring-echo DIR [--string] [--no-metrics] [--channels N] [--max-message-size SIZE]
				      [--engine ENGINE]
				        Server process: Spring Boot app with a @PipeListener echo on channel 'echo'.
				        ENGINE: auto, event-loop or threads (pipe-io.engine, where the build has it).
				  jmh [JMH options]
				        JMH micro-benchmarks of line framing and dispatch, e.g. `jmh -f 1 -wi 3 -i 5`.
				""");
	}

}

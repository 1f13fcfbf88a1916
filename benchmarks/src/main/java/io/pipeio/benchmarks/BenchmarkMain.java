package io.pipeio.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code pipe-io-benchmarks.jar}; the first argument is the sub-command.
 *
 * <pre>
 * run [--quick] [options]      the whole benchmark: C echo vs engine vs Spring, memory, dispatch cost, scale
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
			case "run" -> System.exit(new Harness(rest).run());
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
				      [--channels N] [--variants c,engine,spring,spring-nometrics,spring-string]
				      [--skip-memory] [--skip-dispatch] [--skip-scale] [--no-pin]
				      [--update-results | --results FILE]
				        The benchmark: compiles the C echo and load client, runs every variant against the
				        same load client, measures the dispatch cost per line with JMH, prints the tables
				        and writes benchmarks/target/RESULTS.md (RESULTS-quick.md with --quick);
				        --update-results writes the committed benchmarks/RESULTS.md instead.
				  echo-engine DIR [--channels N] [--max-message-size SIZE] [--buffer-size SIZE]
				        Server process: PipeServer(s) echoing byte[] lines (no Spring).
				  spring-echo DIR [--string] [--no-metrics] [--channels N] [--max-message-size SIZE]
				        Server process: Spring Boot app with a @PipeListener echo on channel 'echo'.
				  jmh [JMH options]
				        JMH micro-benchmarks of line framing and dispatch, e.g. `jmh -f 1 -wi 3 -i 5`.
				""");
	}

}

package io.pipeio.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A server the benchmark measures: the C echo (the OS limit), the pipe-io engine alone,
 * and the Spring application in three configurations. {@link #id} is what
 * {@code --variants} takes and what log files and table rows are named by; {@link #label}
 * describes it in the main tables.
 *
 * @author pipe-io
 */
enum Variant {

	C("c", "C echo (OS limit)", null),

	ENGINE("engine", "pipe-io engine, byte[] LineHandler", "echo-engine"),

	SPRING("spring", "Spring @PipeListener byte[], metrics on", "spring-echo"),

	SPRING_NO_METRICS("spring-nometrics", "Spring @PipeListener byte[], pipe-io metrics off", "spring-echo",
			"--no-metrics"),

	SPRING_STRING("spring-string", "Spring @PipeListener String, metrics on", "spring-echo", "--string");

	final String id;

	final String label;

	/**
	 * The {@link BenchmarkMain} sub-command that serves this variant; null for the C
	 * echo.
	 */
	private final String subCommand;

	private final List<String> options;

	Variant(String id, String label, String subCommand, String... options) {
		this.id = id;
		this.label = label;
		this.subCommand = subCommand;
		this.options = List.of(options);
	}

	/**
	 * @return whether the server is a JVM that speaks the {@link ServerControl} protocol
	 */
	boolean isJava() {
		return this != C;
	}

	/**
	 * The arguments of {@link BenchmarkMain} that start this variant's server.
	 * @param dir the directory of its FIFOs
	 * @param extra more options, such as {@code --channels N}
	 * @return the sub-command, the directory, this variant's options, then {@code extra}
	 */
	List<String> serverArguments(Path dir, List<String> extra) {
		if (!isJava()) {
			throw new IllegalStateException(this.id + " is not a Java server");
		}
		List<String> arguments = new ArrayList<>(List.of(this.subCommand, dir.toString()));
		arguments.addAll(this.options);
		arguments.addAll(extra);
		return arguments;
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

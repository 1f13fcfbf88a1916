package io.pipeio.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A server the benchmark measures: the C echo (the OS limit), the pipe-io engine alone,
 * and the Spring application in three configurations, each Java server with one of the
 * two engines ({@code io.pipeio.server.PipeEngine}): {@code threads} (two threads per
 * channel) and {@code event-loop} (the {@code -el} variants). {@link #id} is what
 * {@code --variants} takes and what log files and table rows are named by; {@link #label}
 * describes it in the main tables.
 *
 * @author pipe-io
 */
enum Variant {

	C("c", "C echo (OS limit)", null, null),

	ENGINE("engine", "pipe-io engine, byte[] LineHandler", Engine.THREADS, "echo-engine"),

	ENGINE_EL("engine-el", "pipe-io engine, byte[] LineHandler", Engine.EVENT_LOOP, "echo-engine"),

	SPRING("spring", "Spring @PipeListener byte[], metrics on", Engine.THREADS, "spring-echo"),

	SPRING_EL("spring-el", "Spring @PipeListener byte[], metrics on", Engine.EVENT_LOOP, "spring-echo"),

	SPRING_NO_METRICS("spring-nometrics", "Spring @PipeListener byte[], pipe-io metrics off", Engine.THREADS,
			"spring-echo", "--no-metrics"),

	SPRING_STRING("spring-string", "Spring @PipeListener String, metrics on", Engine.THREADS, "spring-echo",
			"--string"),

	SPRING_STRING_EL("spring-string-el", "Spring @PipeListener String, metrics on", Engine.EVENT_LOOP, "spring-echo",
			"--string");

	final String id;

	/** What runs, without the engine; see {@link #title()}. */
	final String label;

	/** The engine of a Java server; null for the C echo. */
	final Engine engine;

	/**
	 * The {@link BenchmarkMain} sub-command that serves this variant; null for the C
	 * echo.
	 */
	private final String subCommand;

	private final List<String> options;

	Variant(String id, String label, Engine engine, String subCommand, String... options) {
		this.id = id;
		this.label = label;
		this.engine = engine;
		this.subCommand = subCommand;
		this.options = List.of(options);
	}

	/**
	 * @return the label with the engine, such as {@code Spring @PipeListener byte[],
	 * metrics on [event-loop]}
	 */
	String title() {
		return (this.engine != null) ? this.label + " [" + this.engine.value + "]" : this.label;
	}

	/**
	 * The same server with the other engine, for the side-by-side table.
	 * @param engine the engine
	 * @return the variant, or null if there is none (the C echo, or
	 * {@code spring-nometrics}, measured with the thread engine only)
	 */
	Variant with(Engine engine) {
		for (Variant variant : values()) {
			if (variant.engine == engine && variant.label.equals(this.label) && variant.options.equals(this.options)) {
				return variant;
			}
		}
		return null;
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
		arguments.addAll(List.of("--engine", this.engine.value));
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

	/**
	 * The engines of the Java servers, by the value {@code PipeEngine} and the
	 * {@code pipe-io.engine} property take. Always explicit: {@code auto} would pick
	 * whatever the build prefers.
	 */
	enum Engine {

		THREADS("threads"),

		EVENT_LOOP("event-loop");

		final String value;

		Engine(String value) {
			this.value = value;
		}

		static Engine of(String value) {
			for (Engine engine : values()) {
				if (engine.value.equals(value) || (engine == EVENT_LOOP && value.equals("el"))) {
					return engine;
				}
			}
			throw new IllegalArgumentException("Unknown engine '" + value + "'; use threads or event-loop");
		}

	}

}

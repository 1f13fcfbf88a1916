package io.pipeio.benchmarks;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoProperties;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeMessageListenerDecorator;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * The full Spring path: a Spring Boot application like the sample app, with pipe-io's
 * auto-configuration, actuator and the Prometheus registry on the class path (so metrics
 * and health are active), and one {@code @PipeListener} on channel {@code echo} that
 * returns its input.
 *
 * <pre>
 * spring-echo DIR [--string] [--no-metrics] [--channels N] [--max-message-size SIZE] [--engine ENGINE]
 * </pre>
 *
 * <ul>
 * <li>{@code --string}: the listener takes and returns a {@code String} (decode + encode)
 * instead of {@code byte[]};</li>
 * <li>{@code --no-metrics}: excludes {@code PipeIoMetricsAutoConfiguration} (no pipe-io
 * meters, no listener timer/observation); Micrometer and actuator stay on the class
 * path;</li>
 * <li>{@code --channels N}: declares N - 1 more channels {@code c1 ... c(N-1)} through
 * {@code pipe-io.channels.*} properties (without listeners: their lines would be
 * dropped).</li>
 * <li>{@code --engine auto|event-loop|threads}: sets {@code pipe-io.engine} if this build
 * of pipe-io has that property; a build without it rejects the key as unknown, so it is
 * then left out and {@code info} says {@code engine_property=unsupported} (the channels
 * run the build's only engine, the threads).</li>
 * </ul>
 * No web server: {@code spring.main.web-application-type=none}.
 *
 * @author pipe-io
 */
final class SpringEchoServer {

	private SpringEchoServer() {
	}

	static void main(List<String> args) {
		Arguments arguments = new Arguments(args, Set.of("--string", "--no-metrics"));
		Path directory = Path.of(arguments.positional(0, "DIR")).toAbsolutePath();
		boolean string = arguments.flag("--string");
		boolean metrics = !arguments.flag("--no-metrics");
		int channels = arguments.intOption("--channels", 1);
		String maxMessageSize = arguments.option("--max-message-size", "32MB");
		String engine = arguments.option("--engine", "auto");
		boolean engineProperty = hasEngineProperty();

		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.web-application-type", "none");
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.application.name", "pipe-io-benchmark");
		properties.put("spring.lifecycle.timeout-per-shutdown-phase", "4s");
		properties.put("pipe-io.directory", directory.toString());
		properties.put("pipe-io.channels.echo.max-message-size", maxMessageSize);
		properties.put("management.endpoint.health.show-details", "always");
		if (engineProperty) {
			properties.put("pipe-io.engine", engine);
		}
		if (!metrics) {
			properties.put("spring.autoconfigure.exclude", "io.pipeio.autoconfigure.PipeIoMetricsAutoConfiguration");
		}
		for (int i = 1; i < channels; i++) {
			properties.put("pipe-io.channels.c" + i + ".charset", "UTF-8");
		}
		if (channels > 1) {
			// 1,000 "channel has no @PipeListener" warnings are not what is measured.
			properties.put("logging.level.io.pipeio", "error");
		}

		SpringApplication application = new SpringApplication(Application.class,
				string ? StringEcho.class : BytesEcho.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(properties);
		ConfigurableApplicationContext context = application.run();
		ChannelStartTimer timer = context.getBean(ChannelStartTimer.class);
		ServerControl.ready(context.getBean(PipeChannelRegistry.class).getChannelNames().size(), timer.millis());
		String engineInfo = "engine=" + engine + " engine_property=" + (engineProperty ? "set" : "unsupported");
		new ServerControl(() -> info(context, string, metrics, engineInfo), () -> {
			int code = SpringApplication.exit(context);
			System.exit(code);
		}).serve();
	}

	/**
	 * Whether this build of pipe-io has the {@code pipe-io.engine} property; without it
	 * the key is rejected as unknown.
	 * @return whether {@code PipeIoProperties} has an {@code engine} property
	 */
	static boolean hasEngineProperty() {
		return BeanUtils.getPropertyDescriptor(PipeIoProperties.class, "engine") != null;
	}

	/** What shows that metrics and health are really on (or off). */
	private static String info(ConfigurableApplicationContext context, boolean string, boolean metrics,
			String engineInfo) {
		StringBuilder info = new StringBuilder("variant=spring " + engineInfo + " listener="
				+ (string ? "String" : "byte[]") + " pipeio_metrics=" + metrics);
		MeterRegistry registry = context.getBeanProvider(MeterRegistry.class).getIfUnique();
		info.append(" meter_registry=").append((registry != null) ? registry.getClass().getSimpleName() : "none");
		if (registry != null) {
			long calls = 0;
			for (Timer timer : registry.find("pipeio.listener").timers()) {
				calls += timer.count();
			}
			info.append(" pipeio_meters=")
				.append(registry.find("pipeio.messages.received").meters().size()
						+ registry.find("pipeio.listener").meters().size());
			info.append(" listener_timer_count=").append(calls);
		}
		ObservationRegistry observations = context.getBeanProvider(ObservationRegistry.class).getIfUnique();
		info.append(" observation_registry=")
			.append((observations == null) ? "none" : observations.isNoop() ? "noop" : "active");
		info.append(" decorators=")
			.append(context.getBeansOfType(PipeMessageListenerDecorator.class)
				.values()
				.stream()
				.map((decorator) -> decorator.getClass().getSimpleName())
				.collect(Collectors.joining(",", "[", "]")));
		info.append(" health_contributor=").append(context.containsBean("pipeIoHealthContributor"));
		info.append(' ').append(ServerControl.jvmInfo());
		return info.toString();
	}

	/**
	 * The application: auto-configuration only, no component scan of the benchmark
	 * classes.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		ChannelStartTimer channelStartTimer() {
			return new ChannelStartTimer();
		}

		@Bean
		SmartLifecycle channelStartTimerBegin(ChannelStartTimer timer) {
			return timer.begin();
		}

		@Bean
		SmartLifecycle channelStartTimerEnd(ChannelStartTimer timer) {
			return timer.end();
		}

	}

	/** Echoes {@code byte[]} lines, like the sample's {@code echo} listener. */
	public static class BytesEcho {

		@PipeListener("echo")
		public byte[] echo(byte[] line) {
			return line;
		}

	}

	/**
	 * Echoes {@code String} lines: the line is decoded and the reply encoded (channel
	 * charset).
	 */
	public static class StringEcho {

		@PipeListener("echo")
		public String echo(String line) {
			return line;
		}

	}

	/**
	 * Times the start of every channel: a lifecycle phase just before the registry's
	 * takes the start time, one just after takes the end time.
	 */
	static final class ChannelStartTimer {

		private volatile long startNanos;

		private volatile long endNanos;

		long millis() {
			return (this.endNanos - this.startNanos) / 1_000_000;
		}

		/**
		 * @return a lifecycle bean that starts just before the channel registry
		 */
		SmartLifecycle begin() {
			return new Mark(PipeChannelRegistry.DEFAULT_PHASE - 1, () -> this.startNanos = System.nanoTime());
		}

		/**
		 * @return a lifecycle bean that starts just after the channel registry
		 */
		SmartLifecycle end() {
			return new Mark(PipeChannelRegistry.DEFAULT_PHASE + 1, () -> this.endNanos = System.nanoTime());
		}

	}

	/**
	 * A lifecycle bean that only notes when its phase starts.
	 */
	private static final class Mark implements SmartLifecycle {

		private final int phase;

		private final Runnable onStart;

		private volatile boolean running;

		Mark(int phase, Runnable onStart) {
			this.phase = phase;
			this.onStart = onStart;
		}

		@Override
		public void start() {
			this.onStart.run();
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

}

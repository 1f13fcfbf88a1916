package io.pipeio.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.event.PipeChannelEvent;
import io.pipeio.event.PipePluginExitedEvent;
import io.pipeio.event.PipePluginStartedEvent;
import io.pipeio.plugin.PluginExit;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.testsupport.ChannelHealth;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.PrefixingMeterFilter;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Health, meters, events and the restart operation of channels with a plug-in.
 */
@Timeout(120)
class PipePluginObservabilityTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withActuator(this.directory)
			.withUserConfiguration(Events.class)
			.withPropertyValues("pipe-io.channels.flaky.plugin.command=false",
					"pipe-io.channels.flaky.plugin.backoff.initial=50ms",
					"pipe-io.channels.flaky.plugin.max-restarts=1", "pipe-io.channels.steady.plugin.command=cat",
					"pipe-io.channels.plain.auto-startup=true", "management.endpoints.web.exposure.include=pipeio");
	}

	@Test
	void pluginThatGivesUpMakesTheChannelDownAndIsCountedAndPublished() {
		runner().run((context) -> {
			PluginSupervisor flaky = context.getBean(PipeChannelRegistry.class).getRequiredChannel("flaky").getPlugin();
			await().atMost(WAIT).until(() -> flaky.getState() == PluginState.FAILED);
			Health health = ChannelHealth.of(context, "flaky");
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("reason").toString()).contains("max-restarts");
			@SuppressWarnings("unchecked")
			Map<String, Object> plugin = (Map<String, Object>) health.getDetails().get("plugin");
			assertThat(plugin).containsEntry("state", "FAILED")
				.containsEntry("restarts", 1)
				.containsEntry("lastExitCode", 1)
				.containsEntry("lastExitReason", "EXITED")
				.containsKey("startedAt");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("pipeio.plugin.restarts").tag("channel", "flaky").functionCounter().count())
				.isEqualTo(1);
			assertThat(meters.get("pipeio.plugin.running").tag("channel", "flaky").gauge().value()).isZero();
			assertThat(meters.get("pipeio.plugin.failed").tag("channel", "flaky").gauge().value()).isOne();
			List<PipeChannelEvent> events = context.getBean(Events.class).events;
			assertThat(events).filteredOn((event) -> event.getChannel().equals("flaky"))
				.extracting(Object::toString)
				.containsExactly("PipePluginStartedEvent[channel=flaky]",
						"PipePluginExitedEvent[channel=flaky, exitCode=1, reason=EXITED, willRestart=true]",
						"PipePluginStartedEvent[channel=flaky]",
						"PipePluginExitedEvent[channel=flaky, exitCode=1, reason=EXITED, willRestart=false]");
		});
	}

	@Test
	void aPluginThatCanNeverBeLaunchedHasItsMetersToo() throws Exception {
		// Executable, so it passes the start-up checks, but its interpreter does not
		// exist: every launch fails.
		Path script = Files.writeString(this.directory.resolve("no-interpreter.sh"),
				"#!/no/such/interpreter\necho never\n");
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		runner()
			.withPropertyValues("pipe-io.channels.unlaunched.plugin.command=" + script,
					"pipe-io.channels.unlaunched.plugin.backoff.initial=50ms",
					"pipe-io.channels.unlaunched.plugin.max-restarts=1")
			.run((context) -> {
				PluginSupervisor unlaunched = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("unlaunched")
					.getPlugin();
				await().atMost(WAIT).until(() -> unlaunched.getState() == PluginState.FAILED);
				assertThat(unlaunched.getLastExitCode()).isEqualTo(-1);
				assertThat(unlaunched.getLastExit().reason()).isEqualTo(PluginExit.Reason.LAUNCH_FAILED);
				assertThat(context.getBean(Events.class).events).filteredOn(PipePluginExitedEvent.class::isInstance)
					.filteredOn((event) -> event.getChannel().equals("unlaunched"))
					.extracting((event) -> ((PipePluginExitedEvent) event).getReason())
					.containsExactly(PluginExit.Reason.LAUNCH_FAILED, PluginExit.Reason.LAUNCH_FAILED);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("pipeio.plugin.restarts").tag("channel", "unlaunched").functionCounter().count())
					.isEqualTo(1);
				assertThat(meters.get("pipeio.plugin.running").tag("channel", "unlaunched").gauge().value()).isZero();
			});
	}

	@Test
	void removingAPluginChannelRemovesItsPluginMetersEvenRenamedByAFilter() {
		runner().withBean(MeterFilter.class, PrefixingMeterFilter::new).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PluginSupervisor steady = registry.getRequiredChannel("steady").getPlugin();
			await().atMost(WAIT).until(() -> steady.getState() == PluginState.RUNNING);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(WAIT)
				.until(() -> meters.find("app.pipeio.plugin.running").tag("channel", "steady").meters().size() == 1);
			assertThat(registry.unregister("steady")).isTrue();
			assertThat(meters.find("app.pipeio.plugin.running").tag("channel", "steady").meters()).isEmpty();
			assertThat(meters.find("app.pipeio.plugin.restarts").tag("channel", "steady").meters()).isEmpty();
		});
	}

	@Test
	void endpointRestartsAPlugin() {
		runner().run((context) -> {
			PluginSupervisor steady = context.getBean(PipeChannelRegistry.class)
				.getRequiredChannel("steady")
				.getPlugin();
			await().atMost(WAIT).until(() -> steady.getState() == PluginState.RUNNING);
			long pid = steady.getPid();
			Health health = ChannelHealth.of(context, "steady");
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails().get("plugin").toString()).contains("state=RUNNING", "pid=" + pid);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("pipeio.plugin.running").tag("channel", "steady").gauge().value()).isEqualTo(1);
			assertThat(meters.get("pipeio.plugin.failed").tag("channel", "steady").gauge().value()).isZero();
			PipeIoEndpoint endpoint = context.getBean(PipeIoEndpoint.class);
			assertThat(endpoint.channel("steady")).extractingByKey("plugin", as(InstanceOfAssertFactories.MAP))
				.containsEntry("state", "RUNNING")
				.containsEntry("pid", pid);
			Map<String, Object> restarted = endpoint.change("steady", "restart");
			assertThat(steady.getPid()).isNotEqualTo(pid);
			assertThat(restarted).extractingByKey("plugin", as(InstanceOfAssertFactories.MAP))
				.containsEntry("pid", steady.getPid())
				.containsEntry("restarts", 1)
				.containsEntry("lastExitCode", 143)
				.containsEntry("lastExitSignal", 15)
				.containsEntry("lastExitReason", "RESTARTED");
			assertThat(endpoint.channel("plain")).doesNotContainKey("plugin");
			assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
			assertThat(meters.get("pipeio.plugin.restarts").tag("channel", "steady").functionCounter().count())
				.isEqualTo(1);
			List<PipeChannelEvent> events = context.getBean(Events.class).events;
			assertThat(events).filteredOn(PipePluginExitedEvent.class::isInstance)
				.filteredOn((event) -> event.getChannel().equals("steady"))
				.extracting(Object::toString)
				.containsExactly(
						"PipePluginExitedEvent[channel=steady, exitCode=143, reason=RESTARTED, willRestart=true]");
			assertThat(events).filteredOn(PipePluginStartedEvent.class::isInstance)
				.filteredOn((event) -> event.getChannel().equals("steady"))
				.hasSize(2);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.change("plain", "restart"))
				.withMessageContaining("has no plug-in");
			endpoint.change("steady", "stop");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.change("steady", "restart"))
				.withMessage("Channel 'steady' is STOPPED: its plug-in runs with it; start the channel instead");
			assertThat(steady.getState()).isEqualTo(PluginState.STOPPED);
			assertThat(events).filteredOn(PipePluginExitedEvent.class::isInstance)
				.filteredOn((event) -> event.getChannel().equals("steady"))
				.extracting((event) -> ((PipePluginExitedEvent) event).getReason())
				.containsExactly(PluginExit.Reason.RESTARTED, PluginExit.Reason.STOPPED);
			assertThat(endpoint.channel("steady")).extractingByKey("plugin", as(InstanceOfAssertFactories.MAP))
				.containsEntry("lastExitReason", "STOPPED");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Events implements ApplicationListener<PipeChannelEvent> {

		final List<PipeChannelEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(PipeChannelEvent event) {
			if (event instanceof PipePluginStartedEvent || event instanceof PipePluginExitedEvent) {
				this.events.add(event);
			}
		}

	}

}

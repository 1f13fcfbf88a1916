package io.pipeio.actuate;

import java.nio.file.Path;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipeio.plugin.PluginExit;
import io.pipeio.plugin.PluginSettings;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plug-in's start or exit told after its channel was removed, by a thread a blocked
 * observer held up, brings none of its meters back; a plug-in of the same name added
 * later has its own.
 */
class PipePluginMetricsRemovalTests {

	@TempDir
	Path directory;

	@Test
	void anExitToldAfterTheChannelWasRemovedBringsNoMeterBack() {
		MeterRegistry meters = new SimpleMeterRegistry();
		PipePluginMetrics metrics = new PipePluginMetrics();
		metrics.bindTo(meters);
		PluginSupervisor removed = supervisor();
		metrics.onStarted(removed, 42);
		assertThat(meters.find("pipeio.plugin.running").tag("channel", "worker").meters()).hasSize(1);
		metrics.onRemoved(server());
		assertThat(meters.find("pipeio.plugin.running").tag("channel", "worker").meters()).isEmpty();
		// told late: the instance the channel's stop ended
		metrics.onExited(removed, new PluginExit(143, PluginExit.Reason.STOPPED, false));
		metrics.onStarted(removed, 43);
		for (String name : List.of("pipeio.plugin.running", "pipeio.plugin.failed", "pipeio.plugin.restarts")) {
			assertThat(meters.find(name).tag("channel", "worker").meters()).as(name).isEmpty();
		}
		PluginSupervisor added = supervisor();
		metrics.onStarted(added, 44);
		assertThat(meters.find("pipeio.plugin.running").tag("channel", "worker").meters()).hasSize(1);
		assertThat(meters.get("pipeio.plugin.restarts").tag("channel", "worker").functionCounter().count()).isZero();
	}

	private PluginSupervisor supervisor() {
		return new PluginSupervisor("worker", PluginSettings.of(List.of("true")), this.directory.resolve("worker.in"),
				this.directory.resolve("worker.out"), new PipePluginMetrics());
	}

	private PipeServer server() {
		return new PipeServer(PipeServerSettings
			.builder("worker", this.directory.resolve("worker.in"), this.directory.resolve("worker.out"))
			.build(), (buffer, offset, length) -> {
			});
	}

}

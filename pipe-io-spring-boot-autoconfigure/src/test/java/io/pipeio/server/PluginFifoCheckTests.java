package io.pipeio.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.pipeio.plugin.PluginObserver;
import io.pipeio.plugin.PluginSettings;
import io.pipeio.plugin.PluginState;
import io.pipeio.plugin.PluginSupervisor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plug-in in stdio mode is given the very FIFOs its channel serves: when a path names
 * another FIFO by the time of a launch (in a shared directory, another user's, put there
 * once the channel's was gone, which the channel itself refuses to serve), the launch
 * fails, and nothing reaches that FIFO.
 */
class PluginFifoCheckTests extends PipeServerTestSupport {

	@Test
	void aPluginIsNeverGivenFifosOtherThanThoseItsChannelServes() throws Exception {
		PipeServer server = this.pipes.startEcho(this.pipes.settings().build());
		// Other FIFOs, where the plug-in looks for its channel's.
		Path other = Files.createDirectory(this.dir.resolve("other"));
		Path in = other.resolve("test.in");
		Path out = other.resolve("test.out");
		FifoDescriptor.mkfifo(in);
		FifoDescriptor.mkfifo(out);
		// Held at both ends as the other user would: what the plug-in writes is kept.
		int intruderIn = Posix.open(in.toString(), Posix.O_RDWR | Posix.O_NONBLOCK);
		int intruderOut = Posix.open(out.toString(), Posix.O_RDWR | Posix.O_NONBLOCK);
		try {
			Files.writeString(Path.of("/proc/self/fd/" + intruderOut), "forged\n", StandardOpenOption.APPEND);
			PluginSettings settings = PluginSettings
				.of(List.of("/bin/sh", "-c", "read line; echo \"answered: $line\"; sleep 30"))
				.withProcess(null, Map.of(), true);
			PluginSupervisor plugin = new PluginSupervisor("test", settings, in, out, new PluginObserver() {
			}, server::checkServes);
			try {
				plugin.start();
				await().atMost(Duration.ofSeconds(10)).until(() -> plugin.getState() != PluginState.STARTING);
				assertThat(plugin.getPid()).as("a process was started").isNull();
				assertThat(plugin.getLastExitCode()).isEqualTo(-1);
			}
			finally {
				plugin.stop();
			}
			assertThat(Posix.readNow(intruderIn, new byte[100])).as("bytes the plug-in wrote to the other FIFO")
				.isLessThanOrEqualTo(0);
		}
		finally {
			Posix.close(intruderIn);
			Posix.close(intruderOut);
		}
	}

}

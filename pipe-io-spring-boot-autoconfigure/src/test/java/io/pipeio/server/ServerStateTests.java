package io.pipeio.server;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a failure does to a channel's state: it fails a running one, told once while the
 * cause stays the same, and only becomes the last error of one that is stopping or
 * stopped.
 */
class ServerStateTests {

	@TempDir
	Path directory;

	private final List<String> told = new CopyOnWriteArrayList<>();

	@Test
	void aFailureFailsARunningChannelAndIsToldOnceWhileItsCauseStaysTheSame() {
		ChannelStatistics statistics = new ChannelStatistics(HandlerStatistics.NONE);
		ServerState state = state(statistics);
		state.set(PipeServerState.RUNNING, null);
		state.fail(new IllegalStateException("pipe gone"));
		ChannelStatistics.LastError first = statistics.getLastError();
		state.fail(new IllegalStateException("pipe gone"));
		assertThat(state.get()).isEqualTo(PipeServerState.FAILED);
		assertThat(statistics.getLastError()).isSameAs(first);
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->FAILED pipe gone");
	}

	@Test
	void aFailureOnceAStopBeganIsTheLastErrorRecordedOnceAndNoState() {
		ChannelStatistics statistics = new ChannelStatistics(HandlerStatistics.NONE);
		ServerState state = state(statistics);
		state.set(PipeServerState.RUNNING, null);
		state.set(PipeServerState.STOPPING, null);
		state.fail(new IllegalStateException("writer failed"));
		ChannelStatistics.LastError first = statistics.getLastError();
		assertThat(first).isNotNull();
		state.fail(new IllegalStateException("writer failed"));
		state.set(PipeServerState.STOPPED, null);
		state.fail(new IllegalStateException("writer failed"));
		assertThat(statistics.getLastError()).isSameAs(first);
		assertThat(state.lastFailure()).hasMessage("writer failed");
		state.fail(new IllegalStateException("writer failed again"));
		assertThat(statistics.getLastError()).isNotSameAs(first);
		assertThat(state.get()).isEqualTo(PipeServerState.STOPPED);
		assertThat(this.told).containsExactly("STOPPED->RUNNING", "RUNNING->STOPPING", "STOPPING->STOPPED");
	}

	private ServerState state(ChannelStatistics statistics) {
		PipeServer server = new PipeServer(PipeServerSettings
			.builder("test", this.directory.resolve("test.in"), this.directory.resolve("test.out"))
			.build(), (buffer, offset, length) -> {
			});
		return new ServerState(server, new PipeServerListener() {

			@Override
			public void onStateChanged(PipeServer changed, PipeServerState previous, PipeServerState current,
					@Nullable Throwable cause) {
				ServerStateTests.this.told
					.add(previous + "->" + current + ((cause != null) ? " " + cause.getMessage() : ""));
			}

		}, statistics);
	}

}

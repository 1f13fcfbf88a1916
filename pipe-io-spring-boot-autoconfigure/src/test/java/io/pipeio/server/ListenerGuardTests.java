package io.pipeio.server;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Path;

import io.pipeio.testsupport.Delegations;
import io.pipeio.testsupport.Undeclared;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The guard around a server's listener passes every call on as it came, and what the
 * listener throws as a failure of the listener.
 */
class ListenerGuardTests {

	/**
	 * Every method of the interface: one added later and not passed on would reach the
	 * listener's default, which does nothing, and the listener would never hear of it.
	 */
	@Test
	void everyCallReachesTheListener() throws Exception {
		Delegations.assertEveryCallIsPassedOn(PipeServerListener.class, ListenerGuard::guard);
	}

	@Test
	void aCheckedExceptionTheListenerDidNotDeclareIsAFailureOfTheListener() {
		IOException undeclared = new IOException("undeclared");
		PipeServerListener guarded = ListenerGuard.guard(new PipeServerListener() {

			@Override
			public void onClientPresenceChanged(PipeServer server, boolean connected) {
				Undeclared.raise(undeclared);
			}

		});
		assertThatExceptionOfType(UndeclaredThrowableException.class)
			.isThrownBy(() -> guarded.onClientPresenceChanged(server(), true))
			.withCause(undeclared)
			.withMessageContaining("threw a checked exception it does not declare");
	}

	@Test
	void runtimeExceptionsAndErrorsPassAsTheyAre() {
		IllegalStateException failure = new IllegalStateException("listener failed");
		StackOverflowError error = new StackOverflowError();
		PipeServerListener guarded = ListenerGuard.guard(new PipeServerListener() {

			@Override
			public void onPausedChanged(PipeServer server, boolean paused) {
				if (paused) {
					throw failure;
				}
				throw error;
			}

		});
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> guarded.onPausedChanged(server(), true))
			.isSameAs(failure);
		assertThatExceptionOfType(StackOverflowError.class).isThrownBy(() -> guarded.onPausedChanged(server(), false))
			.isSameAs(error);
	}

	private static PipeServer server() {
		return new PipeServer(
				PipeServerSettings.builder("guarded", Path.of("guarded.in"), Path.of("guarded.out")).build(),
				(buffer, offset, length) -> {
				});
	}

}

package io.pipeio.plugin;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Path;
import java.util.List;

import io.pipeio.testsupport.Delegations;
import io.pipeio.testsupport.Undeclared;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The guard around a supervisor's handover passes every call on as it came, and what the
 * handover throws as a failure of the handover.
 */
class HandoverGuardTests {

	@Test
	void everyCallReachesTheHandover() throws Exception {
		Delegations.assertEveryCallIsPassedOn(PluginHandover.class, HandoverGuard::guard);
	}

	@Test
	void aCheckedExceptionTheHandoverDidNotDeclareIsAFailureOfTheHandover() {
		IOException undeclared = new IOException("undeclared");
		PluginHandover guarded = HandoverGuard.guard(new PluginHandover() {

			@Override
			public void exited(PluginSupervisor plugin, PluginExit exit) {
				Undeclared.raise(undeclared);
			}

		});
		assertThatExceptionOfType(UndeclaredThrowableException.class)
			.isThrownBy(() -> guarded.exited(supervisor(), new PluginExit(1, PluginExit.Reason.EXITED, true)))
			.withCause(undeclared)
			.withMessageContaining("threw a checked exception it does not declare");
	}

	@Test
	void runtimeExceptionsPassAsTheyAre() {
		IllegalStateException failure = new IllegalStateException("handover failed");
		PluginHandover guarded = HandoverGuard.guard(new PluginHandover() {

			@Override
			public void started(PluginSupervisor plugin, long pid) {
				throw failure;
			}

		});
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> guarded.started(supervisor(), 1))
			.isSameAs(failure);
	}

	@Test
	void aGuardedHandoverIsNotGuardedTwice() {
		PluginHandover guarded = HandoverGuard.guard(new PluginHandover() {
		});
		assertThat(HandoverGuard.guard(guarded)).isSameAs(guarded);
	}

	private static PluginSupervisor supervisor() {
		return new PluginSupervisor("guarded", PluginSettings.of(List.of("true")), Path.of("guarded.in"),
				Path.of("guarded.out"), new PluginObserver() {
				});
	}

}

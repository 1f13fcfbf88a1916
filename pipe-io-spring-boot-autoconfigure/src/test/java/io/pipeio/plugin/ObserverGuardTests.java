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
 * The guard around a supervisor's observer passes every call on as it came, and what the
 * observer throws as a failure of the observer.
 */
class ObserverGuardTests {

	/**
	 * Every method of the interface: one added later and not passed on would reach the
	 * observer's default, which does nothing, and the observer would never hear of it.
	 */
	@Test
	void everyCallReachesTheObserver() throws Exception {
		Delegations.assertEveryCallIsPassedOn(PluginObserver.class, ObserverGuard::guard);
	}

	@Test
	void aCheckedExceptionTheObserverDidNotDeclareIsAFailureOfTheObserver() {
		IOException undeclared = new IOException("undeclared");
		PluginObserver guarded = ObserverGuard.guard(new PluginObserver() {

			@Override
			public void onStarted(PluginSupervisor plugin, long pid) {
				Undeclared.raise(undeclared);
			}

		});
		assertThatExceptionOfType(UndeclaredThrowableException.class)
			.isThrownBy(() -> guarded.onStarted(supervisor(), 1))
			.withCause(undeclared)
			.withMessageContaining("threw a checked exception it does not declare");
	}

	/**
	 * A {@link Throwable} that is neither an {@link Exception} nor an {@link Error} is
	 * checked too.
	 */
	@Test
	void aThrowableThatIsNeitherAnExceptionNorAnErrorIsAFailureOfTheObserver() {
		Throwable undeclared = new Throwable("undeclared");
		PluginObserver guarded = ObserverGuard.guard(new PluginObserver() {

			@Override
			public void onStderrLine(PluginSupervisor plugin, String line) {
				Undeclared.raise(undeclared);
			}

		});
		assertThatExceptionOfType(UndeclaredThrowableException.class)
			.isThrownBy(() -> guarded.onStderrLine(supervisor(), "line"))
			.withCause(undeclared);
	}

	@Test
	void runtimeExceptionsAndErrorsPassAsTheyAre() {
		IllegalStateException failure = new IllegalStateException("observer failed");
		StackOverflowError error = new StackOverflowError();
		PluginObserver guarded = ObserverGuard.guard(new PluginObserver() {

			@Override
			public void onExited(PluginSupervisor plugin, PluginExit exit) {
				if (exit.willRestart()) {
					throw failure;
				}
				throw error;
			}

		});
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> guarded.onExited(supervisor(), new PluginExit(3, PluginExit.Reason.EXITED, true)))
			.isSameAs(failure);
		assertThatExceptionOfType(StackOverflowError.class)
			.isThrownBy(() -> guarded.onExited(supervisor(), new PluginExit(3, PluginExit.Reason.EXITED, false)))
			.isSameAs(error);
	}

	@Test
	void aGuardedObserverIsNotGuardedTwice() {
		PluginObserver guarded = ObserverGuard.guard(new PluginObserver() {
		});
		assertThat(ObserverGuard.guard(guarded)).isSameAs(guarded);
	}

	private static PluginSupervisor supervisor() {
		return new PluginSupervisor("guarded", PluginSettings.of(List.of("true")), Path.of("guarded.in"),
				Path.of("guarded.out"), new PluginObserver() {
				});
	}

}

package io.pipeio.server;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
		List<String> told = new ArrayList<>();
		PipeServerListener listener = (PipeServerListener) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { PipeServerListener.class }, (proxy, method, args) -> {
					told.add(signature(method));
					return null;
				});
		PipeServerListener guarded = ListenerGuard.guard(listener);
		List<String> expected = new ArrayList<>();
		for (Method method : PipeServerListener.class.getMethods()) {
			if (Modifier.isStatic(method.getModifiers())) {
				continue;
			}
			expected.add(signature(method));
			method.invoke(guarded, arguments(method));
		}
		assertThat(told).containsExactlyElementsOf(expected);
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

	private static String signature(Method method) {
		return method.getName() + Arrays.toString(method.getParameterTypes());
	}

	private static Object[] arguments(Method method) {
		Class<?>[] types = method.getParameterTypes();
		Object[] arguments = new Object[types.length];
		for (int i = 0; i < types.length; i++) {
			Class<?> type = types[i];
			arguments[i] = (type == boolean.class) ? Boolean.TRUE : (type == long.class) ? Long.valueOf(1) : null;
		}
		return arguments;
	}

	private static PipeServer server() {
		return new PipeServer(
				PipeServerSettings.builder("guarded", Path.of("guarded.in"), Path.of("guarded.out")).build(),
				(buffer, offset, length) -> {
				});
	}

}

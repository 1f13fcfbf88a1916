package io.pipeio.testsupport;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a wrapper passes every call of an interface on to what it wraps: a method
 * added to the interface later and not passed on would reach the wrapped object's default
 * method, which does nothing, and it would never hear of the call.
 */
public final class Delegations {

	private Delegations() {
	}

	/**
	 * Call every method of the interface on the wrapper of a recording proxy, and check
	 * that each call reached it, in order. Arguments are {@code null}, but {@code true},
	 * {@code 1} and {@code "line"} for booleans, numbers and strings.
	 * @param <T> the interface
	 * @param type the interface
	 * @param wrap wraps an implementation of it
	 * @throws Exception if a call fails
	 */
	public static <T> void assertEveryCallIsPassedOn(Class<T> type, UnaryOperator<T> wrap) throws Exception {
		List<String> told = new ArrayList<>();
		T recording = type
			.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
				told.add(signature(method));
				return null;
			}));
		T wrapped = wrap.apply(recording);
		List<String> expected = new ArrayList<>();
		for (Method method : type.getMethods()) {
			if (Modifier.isStatic(method.getModifiers())) {
				continue;
			}
			expected.add(signature(method));
			method.invoke(wrapped, arguments(method));
		}
		assertThat(expected).isNotEmpty();
		assertThat(told).containsExactlyElementsOf(expected);
	}

	private static String signature(Method method) {
		return method.getName() + Arrays.toString(method.getParameterTypes());
	}

	private static Object[] arguments(Method method) {
		Class<?>[] types = method.getParameterTypes();
		Object[] arguments = new Object[types.length];
		for (int i = 0; i < types.length; i++) {
			arguments[i] = argument(types[i]);
		}
		return arguments;
	}

	private static Object argument(Class<?> type) {
		if (type == boolean.class) {
			return Boolean.TRUE;
		}
		if (type == int.class) {
			return 1;
		}
		if (type == long.class) {
			return 1L;
		}
		return (type == String.class) ? "line" : null;
	}

}

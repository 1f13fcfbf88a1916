package io.pipeio.listener;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import io.pipeio.core.PipeChannelContext;
import io.pipeio.testsupport.TestChannelContext;
import org.junit.jupiter.api.Test;

import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link ListenerInvoker}: every shape of listener method is called with the
 * right arguments, whichever way it is called.
 *
 * @author pipe-io
 */
class ListenerInvokerTests {

	private final Context context = new Context();

	private final Listeners bean = new Listeners();

	@Test
	void callsAMethodTakingThePayload() throws Throwable {
		assertThat(generated("echo", 0, -1).invoke("a", this.context)).isEqualTo("a!");
	}

	@Test
	void callsAMethodTakingThePayloadThenTheContext() throws Throwable {
		assertThat(generated("withContext", 0, 1).invoke("a", this.context)).isEqualTo("a@ctx");
	}

	@Test
	void callsAMethodTakingTheContextThenThePayload() throws Throwable {
		assertThat(generated("contextFirst", 1, 0).invoke("a", this.context)).isEqualTo("ctx@a");
	}

	@Test
	void callsVoidMethodsAndReturnsNull() throws Throwable {
		assertThat(generated("store", 0, -1).invoke("a", this.context)).isNull();
		assertThat(generated("storeWithContext", 1, 0).invoke("b", this.context)).isNull();
		assertThat(this.bean.stored).containsExactly("a", "ctx:b");
	}

	@Test
	void callsStaticMethods() throws Throwable {
		assertThat(generated("twice", 0, -1).invoke("a", this.context)).isEqualTo("aa");
	}

	@Test
	void boxesAPrimitiveReplyAndCallsAPrimitivePayloadThroughTheHandle() throws Throwable {
		assertThat(generated("length", 0, -1).invoke("abc", this.context)).isEqualTo(3);
		ListenerInvoker primitivePayload = invoker("square", 0, -1);
		assertThat(primitivePayload).isInstanceOf(ListenerInvoker.Handle.class);
		assertThat(primitivePayload.invoke(4, this.context)).isEqualTo(16L);
	}

	@Test
	void throwsWhatTheMethodThrew() {
		assertThatIOException().isThrownBy(() -> generated("fail", 0, -1).invoke("a", this.context)).withMessage("a");
	}

	@Test
	void generatesOneClassPerMethodAndCallsEachBeanOnItsOwn() throws Throwable {
		Listeners other = new Listeners();
		ListenerInvoker first = generated("store", 0, -1);
		ListenerInvoker second = invoker(other, "store", 0, -1);
		first.invoke("a", this.context);
		second.invoke("b", this.context);
		assertThat(this.bean.stored).containsExactly("a");
		assertThat(other.stored).containsExactly("b");
		Object firstFunction = ReflectionTestUtils.getField(first, "consumer");
		Object secondFunction = ReflectionTestUtils.getField(second, "consumer");
		assertThat(firstFunction).isNotSameAs(secondFunction);
		assertThat(firstFunction).isNotNull();
		assertThat(secondFunction).isNotNull();
		assertThat(firstFunction.getClass()).isSameAs(secondFunction.getClass());
	}

	private ListenerInvoker generated(String name, int payload, int context) throws Exception {
		ListenerInvoker invoker = invoker(name, payload, context);
		assertThat(invoker).isNotInstanceOf(ListenerInvoker.Handle.class);
		return invoker;
	}

	private ListenerInvoker invoker(String name, int payload, int context) throws Exception {
		return invoker(this.bean, name, payload, context);
	}

	private ListenerInvoker invoker(Listeners target, String name, int payload, int context) throws Exception {
		Method method = List.of(Listeners.class.getDeclaredMethods())
			.stream()
			.filter((candidate) -> candidate.getName().equals(name))
			.findFirst()
			.orElseThrow();
		MethodHandle handle = MethodHandles.lookup().unreflect(method);
		if (!java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
			handle = handle.bindTo(target);
		}
		handle = handle.asType(handle.type().generic());
		if (context < 0) {
			handle = MethodHandles.dropArguments(handle, 1, Object.class);
		}
		else if (context < payload) {
			handle = MethodHandles.permuteArguments(handle,
					MethodType.methodType(Object.class, Object.class, Object.class), 1, 0);
		}
		handle = handle.asType(MethodType.methodType(Object.class, Object.class, PipeChannelContext.class));
		return ListenerInvoker.of(target, method, payload, context, handle);
	}

	static class Listeners {

		final List<String> stored = new ArrayList<>();

		String echo(String line) {
			return line + "!";
		}

		String withContext(String line, PipeChannelContext context) {
			return line + "@" + context.getName();
		}

		String contextFirst(PipeChannelContext context, String line) {
			return context.getName() + "@" + line;
		}

		void store(String line) {
			this.stored.add(line);
		}

		void storeWithContext(PipeChannelContext context, String line) {
			this.stored.add(context.getName() + ":" + line);
		}

		static String twice(String line) {
			return line + line;
		}

		int length(String line) {
			return line.length();
		}

		long square(int value) {
			return (long) value * value;
		}

		String fail(String line) throws IOException {
			throw new IOException(line);
		}

	}

	static class Context extends TestChannelContext {

		Context() {
			super("ctx");
		}

	}

}

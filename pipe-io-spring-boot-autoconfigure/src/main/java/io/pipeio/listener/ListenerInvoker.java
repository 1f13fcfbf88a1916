package io.pipeio.listener;

import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import io.pipeio.core.PipeChannelContext;
import org.jspecify.annotations.Nullable;

/**
 * Calls a listener method with the payload and the context. Where it can, it calls the
 * method through a class generated for it (as for a lambda), which the JIT compiles like
 * a direct call; a method handle held in a field is not a constant to the JIT, so each
 * call through it goes through the handle's adapters. The handle stays the way for
 * methods the generated class cannot reach or adapt (such as a primitive parameter).
 *
 * @author pipe-io
 */
abstract class ListenerInvoker {

	/**
	 * The factory of each method's generated class, per declaring class: one class per
	 * method however many channels (or restarts of a channel) call it, and kept with the
	 * declaring class, so that an application's class loader can still be collected.
	 */
	private static final ClassValue<Map<Method, MethodHandle>> FACTORIES = new ClassValue<>() {

		@Override
		protected Map<Method, MethodHandle> computeValue(Class<?> type) {
			return new ConcurrentHashMap<>();
		}

	};

	/**
	 * Call the method.
	 * @param payload the payload argument
	 * @param context the context argument, passed if the method takes one
	 * @return what the method returned ({@code null} for {@code void})
	 * @throws Throwable what the method threw, as it threw it
	 */
	abstract @Nullable Object invoke(Object payload, PipeChannelContext context) throws Throwable;

	/**
	 * @param bean the bean
	 * @param method its listener method
	 * @param payload the index of the payload parameter
	 * @param context the index of the context parameter, or -1
	 * @param handle the method as a handle taking the payload and the context in that
	 * order, for the methods a generated class cannot call
	 * @return the invoker
	 */
	static ListenerInvoker of(Object bean, Method method, int payload, int context, MethodHandle handle) {
		ListenerInvoker generated = generated(bean, method, payload, context);
		return (generated != null) ? generated : new Handle(handle);
	}

	private static @Nullable ListenerInvoker generated(Object bean, Method method, int payload, int context) {
		for (Class<?> type : method.getParameterTypes()) {
			if (type.isPrimitive()) {
				return null; // a generated class cannot unbox an Object argument
			}
		}
		boolean isVoid = (method.getReturnType() == void.class);
		boolean withContext = (context >= 0);
		Class<?> functional = withContext ? (isVoid ? BiConsumer.class : BiFunction.class)
				: (isVoid ? Consumer.class : Function.class);
		String name = isVoid ? "accept" : "apply";
		try {
			Method declared = method;
			MethodHandle factory = FACTORIES.get(method.getDeclaringClass())
				.computeIfAbsent(method, (key) -> factory(declared, functional, name, isVoid));
			Object function = Modifier.isStatic(method.getModifiers()) ? factory.invoke() : factory.invoke(bean);
			boolean contextFirst = withContext && context < payload;
			if (!withContext) {
				return isVoid ? new PayloadConsumer(consumer(function)) : new PayloadFunction(function(function));
			}
			return isVoid ? new TwoConsumer(biConsumer(function), contextFirst)
					: new TwoFunction(biFunction(function), contextFirst);
		}
		catch (Throwable ex) {
			// Not reachable from here (another module or class loader), or no class can
			// be generated at run time (a native image): the handle.
			return null;
		}
	}

	private static MethodHandle factory(Method method, Class<?> functional, String name, boolean isVoid) {
		try {
			MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(method.getDeclaringClass(),
					MethodHandles.lookup());
			MethodHandle target = lookup.unreflect(method);
			boolean isStatic = Modifier.isStatic(method.getModifiers());
			MethodType instantiated = (isStatic ? target.type() : target.type().dropParameterTypes(0, 1)).wrap();
			if (isVoid) {
				instantiated = instantiated.changeReturnType(void.class);
			}
			MethodType factoryType = isStatic ? MethodType.methodType(functional)
					: MethodType.methodType(functional, method.getDeclaringClass());
			return LambdaMetafactory.metafactory(lookup, name, factoryType, instantiated.erase(), target, instantiated)
				.getTarget();
		}
		catch (ReflectiveOperationException | LambdaConversionException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static Function<Object, Object> function(Object function) {
		return (Function<Object, Object>) function;
	}

	@SuppressWarnings("unchecked")
	private static Consumer<Object> consumer(Object function) {
		return (Consumer<Object>) function;
	}

	@SuppressWarnings("unchecked")
	private static BiFunction<Object, Object, Object> biFunction(Object function) {
		return (BiFunction<Object, Object, Object>) function;
	}

	@SuppressWarnings("unchecked")
	private static BiConsumer<Object, Object> biConsumer(Object function) {
		return (BiConsumer<Object, Object>) function;
	}

	/**
	 * Calls the method through its handle.
	 */
	static final class Handle extends ListenerInvoker {

		private final MethodHandle handle;

		Handle(MethodHandle handle) {
			this.handle = handle;
		}

		@Override
		@Nullable Object invoke(Object payload, PipeChannelContext context) throws Throwable {
			return (Object) this.handle.invokeExact(payload, context);
		}

	}

	private static final class PayloadFunction extends ListenerInvoker {

		private final Function<Object, Object> function;

		PayloadFunction(Function<Object, Object> function) {
			this.function = function;
		}

		@Override
		@Nullable Object invoke(Object payload, PipeChannelContext context) {
			return this.function.apply(payload);
		}

	}

	private static final class PayloadConsumer extends ListenerInvoker {

		private final Consumer<Object> consumer;

		PayloadConsumer(Consumer<Object> consumer) {
			this.consumer = consumer;
		}

		@Override
		@Nullable Object invoke(Object payload, PipeChannelContext context) {
			this.consumer.accept(payload);
			return null;
		}

	}

	private static final class TwoFunction extends ListenerInvoker {

		private final BiFunction<Object, Object, Object> function;

		private final boolean contextFirst;

		TwoFunction(BiFunction<Object, Object, Object> function, boolean contextFirst) {
			this.function = function;
			this.contextFirst = contextFirst;
		}

		@Override
		@Nullable Object invoke(Object payload, PipeChannelContext context) {
			return this.contextFirst ? this.function.apply(context, payload) : this.function.apply(payload, context);
		}

	}

	private static final class TwoConsumer extends ListenerInvoker {

		private final BiConsumer<Object, Object> consumer;

		private final boolean contextFirst;

		TwoConsumer(BiConsumer<Object, Object> consumer, boolean contextFirst) {
			this.consumer = consumer;
			this.contextFirst = contextFirst;
		}

		@Override
		@Nullable Object invoke(Object payload, PipeChannelContext context) {
			if (this.contextFirst) {
				this.consumer.accept(context, payload);
			}
			else {
				this.consumer.accept(payload, context);
			}
			return null;
		}

	}

}

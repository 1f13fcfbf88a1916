package io.pipeio.listener;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.charset.Charset;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannelContext;
import org.jspecify.annotations.Nullable;

import org.springframework.core.GenericTypeResolver;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Invokes one listener method for each line: the payload parameter is the line as
 * {@code byte[]}, as a strictly decoded {@code String}, or converted to any other type;
 * an optional {@link PipeChannelContext} parameter receives the channel. The return value
 * is the reply; an {@link Optional} (or a stage completing with one) is the reply it
 * holds, or none when empty.
 *
 * @author pipe-io
 */
public class MethodPipeMessageListener implements BufferedPipeMessageListener {

	private final Method method;

	private final ListenerInvoker invoker;

	private final PayloadKind payloadKind;

	private final Type payloadType;

	private final PipeMessageConverter converter;

	private final LineDecoder decoder;

	private final Charset charset;

	/** Whether the method returns an {@link Optional}, or a stage of one. */
	private final OptionalReply optionalReply;

	/**
	 * Create a listener for a method.
	 * @param bean the bean to invoke the method on
	 * @param method the method
	 * @param channel the channel it listens to (its charset)
	 * @param converter converts lines to parameter types other than
	 * {@code String}/{@code byte[]}
	 * @throws IllegalStateException if the method's parameters cannot be supported
	 */
	public MethodPipeMessageListener(Object bean, Method method, PipeChannelContext channel,
			PipeMessageConverter converter) {
		Assert.notNull(bean, "'bean' must not be null");
		Assert.notNull(method, "'method' must not be null");
		Assert.notNull(converter, "'converter' must not be null");
		this.method = method;
		this.converter = converter;
		this.decoder = new LineDecoder(channel.getCharset());
		this.charset = channel.getCharset();
		int payload = -1;
		int context = -1;
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (PipeChannelContext.class.isAssignableFrom(types[i]) && types[i] != PipeChannelContext.class) {
				// A PipeChannel, say: the listener is given a PipeChannelContext, which
				// is not one.
				throw invalid(method, "takes a " + types[i].getName()
						+ ", which the channel is not given as: declare the parameter as PipeChannelContext");
			}
			if (types[i] == PipeChannelContext.class && context < 0) {
				context = i;
			}
			else if (payload < 0) {
				payload = i;
			}
			else {
				throw invalid(method, "takes more than one payload parameter");
			}
		}
		if (payload < 0) {
			throw invalid(method, "has no payload parameter (String, byte[] or a type converted from JSON)");
		}
		// Resolved against the bean's class: a method of a generic base class, such as
		// handle(T) of Base<T>, takes the type its subclass gives T, not T's bound.
		Class<?> beanClass = ClassUtils.getUserClass(bean);
		this.payloadType = GenericTypeResolver.resolveType(method.getGenericParameterTypes()[payload], beanClass);
		this.payloadKind = PayloadKind.of(ResolvableType.forType(this.payloadType).toClass());
		if (this.payloadKind == PayloadKind.CONVERTED && !converter.canConvertFrom(this.payloadType)) {
			throw invalid(method, "takes a " + this.payloadType.getTypeName()
					+ ", which needs a JSON converter: add Jackson 3 (tools.jackson.core:jackson-databind) to the"
					+ " classpath or define a PipeMessageConverter bean");
		}
		ResolvableType returnType = ResolvableType.forMethodReturnType(method, beanClass);
		Class<?> rawReturn = returnType.toClass();
		if (!CompletionStage.class.isAssignableFrom(rawReturn)
				&& ReactiveAdapterRegistry.getSharedInstance().getAdapter(rawReturn) != null) {
			// Sent as it is, it would be serialized as an object: nothing subscribes to
			// it.
			throw invalid(method,
					"returns a " + rawReturn.getName()
							+ ", which pipe-io does not subscribe to: return a CompletableFuture instead (for a Mono,"
							+ " mono.toFuture())");
		}
		this.optionalReply = OptionalReply.of(returnType);
		ResolvableType replyType = convertedReplyType(returnType);
		if (replyType != null && !converter.canConvertTo(replyType.toClass())) {
			throw invalid(method, "returns a " + replyType
					+ ", which needs a JSON converter to become a line: add Jackson 3"
					+ " (tools.jackson.core:jackson-databind) to the classpath or define a PipeMessageConverter bean");
		}
		ReflectionUtils.makeAccessible(method);
		this.invoker = ListenerInvoker.of(bean, method, payload, context, invoker(bean, method, payload, context));
	}

	/**
	 * The type a reply is converted from, that of a stage's result for a
	 * {@link CompletionStage}, of the value for an {@link Optional}; {@code null} if it
	 * is sent as it is (text, bytes, none) or cannot be known before a call
	 * ({@code Object}, a type variable).
	 */
	private static @Nullable ResolvableType convertedReplyType(ResolvableType type) {
		Class<?> raw = type.resolve();
		if (raw == null) {
			return null;
		}
		if (CompletionStage.class.isAssignableFrom(raw)) {
			return convertedReplyType(type.as(CompletionStage.class).getGeneric(0));
		}
		if (raw == Optional.class) {
			return convertedReplyType(type.getGeneric(0));
		}
		if (raw == void.class || raw == Void.class || raw == String.class || raw == byte[].class
				|| raw == Object.class) {
			return null;
		}
		return type;
	}

	/**
	 * The method as a handle taking the payload and the context in that order, with a
	 * {@code null} result for {@code void}: called per line, it needs no argument array
	 * and no reflective access check.
	 */
	private static MethodHandle invoker(Object bean, Method method, int payload, int context) {
		MethodHandle handle;
		try {
			handle = MethodHandles.lookup().unreflect(method);
		}
		catch (IllegalAccessException ex) {
			throw invalid(method, "cannot be called (" + ex.getMessage() + ")");
		}
		if (!Modifier.isStatic(method.getModifiers())) {
			handle = handle.bindTo(bean);
		}
		handle = handle.asType(handle.type().generic());
		MethodType target = MethodType.methodType(Object.class, Object.class, Object.class);
		if (context < 0) {
			handle = MethodHandles.dropArguments(handle, 1, Object.class);
		}
		else if (context < payload) {
			handle = MethodHandles.permuteArguments(handle, target, 1, 0);
		}
		return handle.asType(MethodType.methodType(Object.class, Object.class, PipeChannelContext.class));
	}

	@Override
	public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
			throws Exception {
		Object payload = switch (this.payloadKind) {
			case BYTES -> Arrays.copyOfRange(buffer, offset, offset + length);
			case STRING -> this.decoder.decode(buffer, offset, length);
			case CONVERTED -> this.converter.fromLine(buffer, offset, length, this.payloadType, this.charset);
		};
		return invoke(payload, context);
	}

	@Override
	public @Nullable Object onMessage(byte[] line, PipeChannelContext context) throws Exception {
		// The line is the listener's to keep: a byte[] parameter takes it without a copy.
		return (this.payloadKind == PayloadKind.BYTES) ? invoke(line, context)
				: onMessage(line, 0, line.length, context);
	}

	private @Nullable Object invoke(Object payload, PipeChannelContext context) throws Exception {
		try {
			Object reply = this.invoker.invoke(payload, context);
			return (this.optionalReply != OptionalReply.NONE) ? this.optionalReply.unwrap(reply) : reply;
		}
		catch (Exception | Error ex) {
			// What the method threw, as it threw it (error handlers and metrics).
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	@Override
	public String toString() {
		return this.method.toGenericString();
	}

	private static IllegalStateException invalid(Method method, String problem) {
		return new IllegalStateException("@PipeListener method " + method.toGenericString() + " " + problem
				+ ". Supported: one payload parameter (String, byte[] or a JSON-converted type) and optionally a"
				+ " PipeChannelContext.");
	}

	/** How a method's {@link Optional} reply is taken out of it. */
	private enum OptionalReply {

		/**
		 * {@code NONE}: the declared type holds no {@code Optional}; {@code DIRECT}: it
		 * is one; {@code STAGE}: a stage of one, or of a type that may be one
		 * ({@code Object}, a wildcard); {@code ANY}: a type that may be either, such as
		 * {@code Object}, told apart per reply.
		 */
		NONE, DIRECT, STAGE, ANY;

		static OptionalReply of(ResolvableType returnType) {
			Class<?> raw = returnType.resolve();
			if (raw == Optional.class) {
				return DIRECT;
			}
			if (raw != null && CompletionStage.class.isAssignableFrom(raw)) {
				return mayBeOptional(returnType.as(CompletionStage.class).getGeneric(0)) ? STAGE : NONE;
			}
			return mayBeOptional(returnType) ? ANY : NONE;
		}

		private static boolean mayBeOptional(ResolvableType type) {
			Class<?> raw = type.resolve();
			return raw == null || raw == Optional.class || raw == Object.class;
		}

		@Nullable Object unwrap(@Nullable Object reply) {
			if (this != DIRECT && reply instanceof CompletionStage<?> stage) {
				return (this == NONE) ? stage : stage.thenApply(OptionalReply::valueOf);
			}
			return valueOf(reply);
		}

		private static @Nullable Object valueOf(@Nullable Object reply) {
			return (reply instanceof Optional<?> optional) ? optional.orElse(null) : reply;
		}

	}

	private enum PayloadKind {

		BYTES, STRING, CONVERTED;

		static PayloadKind of(Class<?> type) {
			if (type == byte[].class) {
				return BYTES;
			}
			return (type == String.class) ? STRING : CONVERTED;
		}

	}

}

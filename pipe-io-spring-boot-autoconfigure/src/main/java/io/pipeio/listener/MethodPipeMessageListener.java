package io.pipeio.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Arrays;

import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannelContext;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

/**
 * Invokes one listener method for each line: the payload parameter is the line as
 * {@code byte[]}, as a strictly decoded {@code String}, or converted to any other type;
 * an optional {@link PipeChannelContext} parameter receives the channel. The return value
 * is the reply.
 *
 * @author pipe-io
 */
public class MethodPipeMessageListener implements BufferedPipeMessageListener {

	private final Object bean;

	private final Method method;

	private final PayloadKind payloadKind;

	private final int payloadIndex;

	private final int contextIndex;

	private final Type payloadType;

	private final PipeMessageConverter converter;

	private final LineDecoder decoder;

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
		this.bean = bean;
		this.method = method;
		this.converter = converter;
		this.decoder = new LineDecoder(channel.getCharset());
		int payload = -1;
		int context = -1;
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (PipeChannelContext.class.isAssignableFrom(types[i]) && context < 0) {
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
		this.payloadIndex = payload;
		this.contextIndex = context;
		this.payloadType = method.getGenericParameterTypes()[payload];
		this.payloadKind = PayloadKind.of(types[payload]);
		if (this.payloadKind == PayloadKind.CONVERTED && !converter.canConvertFrom(this.payloadType)) {
			throw invalid(method, "takes a " + this.payloadType.getTypeName()
					+ ", which needs a JSON converter: add Jackson 3 (tools.jackson.core:jackson-databind) to the"
					+ " classpath or define a PipeMessageConverter bean");
		}
		ReflectionUtils.makeAccessible(method);
	}

	@Override
	public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
			throws Exception {
		Object payload = switch (this.payloadKind) {
			case BYTES -> Arrays.copyOfRange(buffer, offset, offset + length);
			case STRING -> this.decoder.decode(buffer, offset, length);
			case CONVERTED -> this.converter.fromLine(buffer, offset, length, this.payloadType);
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
		Object[] arguments = new Object[(this.contextIndex < 0) ? 1 : 2];
		arguments[this.payloadIndex] = payload;
		if (this.contextIndex >= 0) {
			arguments[this.contextIndex] = context;
		}
		try {
			return this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			// Report what the method threw, not the reflection wrapper (error handlers
			// and metrics).
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
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

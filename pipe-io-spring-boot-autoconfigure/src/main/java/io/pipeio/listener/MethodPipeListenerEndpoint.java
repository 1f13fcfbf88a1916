package io.pipeio.listener;

import java.lang.reflect.Method;

import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerEndpoint;
import io.pipeio.core.PipeMessageListener;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link PipeListenerEndpoint} for a bean method, such as one annotated with
 * {@code @PipeListener}.
 *
 * @author pipe-io
 */
public class MethodPipeListenerEndpoint implements PipeListenerEndpoint {

	private final String channel;

	private final Object bean;

	private final Method method;

	private final PipeMessageConverter converter;

	private final @Nullable PipeErrorHandler errorHandler;

	/**
	 * Create an endpoint.
	 * @param channel the channel name
	 * @param bean the bean
	 * @param method the method to invoke
	 * @param converter converts lines to non-text parameter types
	 * @param errorHandler the listener's own error handler, or {@code null}
	 */
	public MethodPipeListenerEndpoint(String channel, Object bean, Method method, PipeMessageConverter converter,
			@Nullable PipeErrorHandler errorHandler) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(bean, "'bean' must not be null");
		Assert.notNull(method, "'method' must not be null");
		Assert.notNull(converter, "'converter' must not be null");
		this.channel = channel;
		this.bean = bean;
		this.method = method;
		this.converter = converter;
		this.errorHandler = errorHandler;
	}

	@Override
	public String getChannel() {
		return this.channel;
	}

	@Override
	public String getDescription() {
		return this.method.getDeclaringClass().getName() + "." + this.method.getName();
	}

	@Override
	public @Nullable PipeErrorHandler getErrorHandler() {
		return this.errorHandler;
	}

	@Override
	public PipeMessageListener createListener(PipeChannelContext channel) {
		return new MethodPipeMessageListener(this.bean, this.method, channel, this.converter);
	}

}

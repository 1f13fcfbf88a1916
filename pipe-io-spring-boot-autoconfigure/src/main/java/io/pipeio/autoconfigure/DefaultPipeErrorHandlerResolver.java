package io.pipeio.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.pipeio.annotation.PipeListenerAnnotationBeanPostProcessor;
import io.pipeio.core.LoggingPipeErrorHandler;
import io.pipeio.core.PipeErrorHandler;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Chooses the application's default {@link PipeErrorHandler} once every singleton exists:
 * a handler that a {@code @PipeListener(errorHandler = "...")} names belongs to that
 * listener and is never the default for the other channels. Of the remaining handler
 * beans, the only one (or the {@code @Primary} one) is the default; with none, failures
 * are logged.
 *
 * @author pipe-io
 */
final class DefaultPipeErrorHandlerResolver implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private volatile @Nullable PipeErrorHandler resolved;

	DefaultPipeErrorHandlerResolver(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * @return a handler that delegates to the default once it is known
	 */
	PipeErrorHandler asErrorHandler() {
		return (exception, context) -> get().handleError(exception, context);
	}

	@Override
	public void afterSingletonsInstantiated() {
		get();
	}

	PipeErrorHandler get() {
		PipeErrorHandler handler = this.resolved;
		if (handler == null) {
			handler = resolve();
			this.resolved = handler;
		}
		return handler;
	}

	private PipeErrorHandler resolve() {
		PipeListenerAnnotationBeanPostProcessor listeners = this.beanFactory
			.getBeanProvider(PipeListenerAnnotationBeanPostProcessor.class)
			.getIfAvailable();
		Set<String> perListener = (listeners != null) ? listeners.getErrorHandlerBeanNames() : Set.of();
		List<String> candidates = new ArrayList<>();
		for (String name : this.beanFactory.getBeanNamesForType(PipeErrorHandler.class)) {
			if (!perListener.contains(name)) {
				candidates.add(name);
			}
		}
		if (candidates.isEmpty()) {
			return new LoggingPipeErrorHandler();
		}
		if (candidates.size() == 1) {
			return this.beanFactory.getBean(candidates.get(0), PipeErrorHandler.class);
		}
		List<String> primary = candidates.stream()
			.filter((name) -> this.beanFactory.containsBeanDefinition(name)
					&& this.beanFactory.getBeanDefinition(name).isPrimary())
			.toList();
		if (primary.size() == 1) {
			return this.beanFactory.getBean(primary.get(0), PipeErrorHandler.class);
		}
		throw new IllegalStateException("Several PipeErrorHandler beans could be the default error handler of"
				+ " pipe-io channels: " + candidates + ". Mark one of them @Primary, or name the others in"
				+ " @PipeListener(errorHandler = \"...\").");
	}

}

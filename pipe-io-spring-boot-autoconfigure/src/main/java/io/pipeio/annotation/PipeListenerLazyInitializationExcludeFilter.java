package io.pipeio.annotation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.util.ClassUtils;

/**
 * Keeps beans with {@link PipeListener @PipeListener} methods out of lazy initialization
 * ({@code spring.main.lazy-initialization=true}): nothing asks for a listener bean, so a
 * lazy one would never be created, and its channel would serve no listener, dropping
 * every line ({@code no-listener}). Spring Boot does the same for beans with
 * {@code @Scheduled} methods. A bean marked {@code @Lazy} itself stays lazy: its
 * listeners attach when it is first asked for. It finds listener methods as
 * {@link PipeListenerAnnotationBeanPostProcessor} does.
 *
 * @author pipe-io
 */
public final class PipeListenerLazyInitializationExcludeFilter implements LazyInitializationExcludeFilter {

	private final Map<Class<?>, Boolean> hasListeners = new ConcurrentHashMap<>();

	@Override
	public boolean isExcluded(String beanName, BeanDefinition beanDefinition, Class<?> beanType) {
		return this.hasListeners.computeIfAbsent(ClassUtils.getUserClass(beanType),
				(type) -> !PipeListenerAnnotationBeanPostProcessor.listenerMethods(type).isEmpty());
	}

}

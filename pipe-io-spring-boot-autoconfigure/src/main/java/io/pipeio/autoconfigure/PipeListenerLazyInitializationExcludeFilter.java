package io.pipeio.autoconfigure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.pipeio.annotation.PipeListener;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Keeps beans with {@link PipeListener @PipeListener} methods out of lazy initialization
 * ({@code spring.main.lazy-initialization=true}): nothing asks for a listener bean, so a
 * lazy one would never be created, and its channel would serve no listener, dropping
 * every line ({@code no-listener}). Spring Boot does the same for beans with
 * {@code @Scheduled} methods. A bean marked {@code @Lazy} itself stays lazy: its
 * listeners attach when it is first asked for.
 *
 * @author pipe-io
 */
final class PipeListenerLazyInitializationExcludeFilter implements LazyInitializationExcludeFilter {

	private final Map<Class<?>, Boolean> hasListeners = new ConcurrentHashMap<>();

	@Override
	public boolean isExcluded(String beanName, BeanDefinition beanDefinition, Class<?> beanType) {
		return this.hasListeners.computeIfAbsent(ClassUtils.getUserClass(beanType),
				PipeListenerLazyInitializationExcludeFilter::declaresListeners);
	}

	private static boolean declaresListeners(Class<?> type) {
		return !MethodIntrospector
			.selectMethods(type,
					(MethodIntrospector.MetadataLookup<PipeListener>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, PipeListener.class))
			.isEmpty();
	}

}

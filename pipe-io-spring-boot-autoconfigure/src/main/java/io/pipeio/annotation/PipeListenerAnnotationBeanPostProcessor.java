package io.pipeio.annotation;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerEndpoint;
import io.pipeio.listener.MethodPipeListenerEndpoint;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link PipeListener @PipeListener} methods on beans and, once every singleton
 * exists, attaches them to their channels in the {@link PipeChannelRegistry}. The
 * registry and converter are looked up late so this post-processor does not force them to
 * be created early.
 *
 * @author pipe-io
 */
public class PipeListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton, DisposableBean, Ordered {

	private final Set<Class<?>> classesWithoutListeners = ConcurrentHashMap.newKeySet();

	private final List<Listener> listeners = new ArrayList<>();

	private final Set<String> errorHandlerBeanNames = ConcurrentHashMap.newKeySet();

	private @Nullable ConfigurableBeanFactory beanFactory;

	private boolean singletonsInstantiated;

	/** The channels given a listener, with the registry they are in. */
	private final Map<PipeListenerEndpoint, PipeChannelRegistry> registered = new ConcurrentHashMap<>();

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableBeanFactory.class, beanFactory);
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (ScopedProxyUtils.isScopedTarget(beanName)) {
			// its scoped proxy is the listener, and calls whichever target is current
			return bean;
		}
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutListeners.contains(targetClass)) {
			return bean;
		}
		Map<Method, PipeListener> methods = listenerMethods(targetClass);
		if (methods.isEmpty()) {
			this.classesWithoutListeners.add(targetClass);
			return bean;
		}
		checkSingleton(beanName, targetClass);
		methods.forEach((method, annotation) -> {
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			String channel = resolve(annotation.channel());
			if (!StringUtils.hasText(channel)) {
				throw new IllegalStateException("@PipeListener on " + method.toGenericString()
						+ " names no channel: use @PipeListener(\"channel-name\")");
			}
			String errorHandler = resolve(annotation.errorHandler());
			if (StringUtils.hasText(errorHandler)) {
				this.errorHandlerBeanNames.add(errorHandler);
			}
			Listener listener = new Listener(channel, bean, invocable, errorHandler);
			synchronized (this.listeners) {
				if (this.singletonsInstantiated) {
					register(listener); // a lazy bean created after startup
				}
				else {
					this.listeners.add(listener);
				}
			}
		});
		return bean;
	}

	/**
	 * Return the names of the error handler beans that listeners name in
	 * {@code @PipeListener(errorHandler = ...)}: each belongs to its listeners, so it
	 * must not become the default error handler of every other channel.
	 * @return the bean names found so far (complete once every singleton exists)
	 */
	public Set<String> getErrorHandlerBeanNames() {
		return Set.copyOf(this.errorHandlerBeanNames);
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (requireBeanFactory() instanceof ConfigurableListableBeanFactory factory) {
			for (String name : factory.getBeanDefinitionNames()) {
				if (ScopedProxyUtils.isScopedTarget(name)) {
					// A scoped proxy is made only when first asked for: its listeners are
					// found once it is.
					factory.getBean(ScopedProxyUtils.getOriginalBeanName(name));
				}
				else if (!factory.getMergedBeanDefinition(name).isAbstract() && !factory.isSingleton(name)) {
					// Never created yet, perhaps never: its listeners would be missed.
					Class<?> type = factory.getType(name, false);
					if (type != null && !listenerMethods(ClassUtils.getUserClass(type)).isEmpty()) {
						checkSingleton(name, type);
					}
				}
			}
		}
		synchronized (this.listeners) {
			this.singletonsInstantiated = true;
			this.listeners.forEach(this::register);
			this.listeners.clear();
		}
	}

	/**
	 * Refuse listeners on a bean that is not one for the whole application (a prototype,
	 * or a bean of a scope without a scoped proxy): a channel has one listener, so each
	 * new instance would be a second listener, and an instance never created none.
	 */
	private void checkSingleton(String beanName, Class<?> type) {
		ConfigurableBeanFactory factory = requireBeanFactory();
		if (factory.containsBean(beanName) && !factory.isSingleton(beanName)) {
			String scope = factory.getMergedBeanDefinition(beanName).getScope();
			throw new IllegalStateException("@PipeListener methods of " + type.getName() + " are on bean '" + beanName
					+ "' of scope '" + scope + "', but a channel has one listener for as long as it runs. Make the bean"
					+ " a singleton, or give it a scoped proxy (@Scope(proxyMode = ScopedProxyMode.TARGET_CLASS)) so"
					+ " that the listener calls the current instance.");
		}
	}

	static Map<Method, PipeListener> listenerMethods(Class<?> type) {
		return MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<PipeListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, PipeListener.class));
	}

	private void register(Listener listener) {
		ConfigurableBeanFactory factory = requireBeanFactory();
		PipeErrorHandler errorHandler = StringUtils.hasText(listener.errorHandler())
				? factory.getBean(listener.errorHandler(), PipeErrorHandler.class) : null;
		PipeChannelRegistry registry = factory.getBean(PipeChannelRegistry.class);
		PipeListenerEndpoint endpoint = new MethodPipeListenerEndpoint(listener.channel(), listener.bean(),
				listener.method(), factory.getBean(PipeMessageConverter.class), errorHandler);
		registry.registerListener(endpoint);
		this.registered.put(endpoint, registry);
	}

	/**
	 * Detach the listeners of this context from a registry of a parent context, which
	 * outlives their beans: its channels keep their lines for the next listener. A
	 * registry of this context stops with it.
	 */
	@Override
	public void destroy() {
		ConfigurableBeanFactory factory = requireBeanFactory();
		this.registered.forEach((endpoint, registry) -> {
			if (!isOwn(factory, registry)) {
				registry.unregisterListener(endpoint);
			}
		});
		this.registered.clear();
	}

	private static boolean isOwn(ConfigurableBeanFactory factory, PipeChannelRegistry registry) {
		if (factory instanceof ConfigurableListableBeanFactory listable) {
			for (String name : listable.getBeanNamesForType(PipeChannelRegistry.class, false, false)) {
				if (listable.getSingleton(name) == registry) {
					return true;
				}
			}
			return false;
		}
		return true;
	}

	private String resolve(String value) {
		String resolved = requireBeanFactory().resolveEmbeddedValue(value);
		return (resolved != null) ? resolved.trim() : "";
	}

	private ConfigurableBeanFactory requireBeanFactory() {
		Assert.state(this.beanFactory != null, "BeanFactory has not been set");
		return this.beanFactory;
	}

	private record Listener(String channel, Object bean, Method method, String errorHandler) {
	}

}

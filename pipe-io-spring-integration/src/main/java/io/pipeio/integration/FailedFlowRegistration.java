package io.pipeio.integration;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * Removes what a flow registered at runtime ({@code IntegrationFlowContext}) leaves
 * behind when one of its components fails to initialize. Spring Integration registers a
 * flow's components one after the other, each recorded as a dependent of the flow's id,
 * and the flow itself only once all of them are; it does not undo them when one fails.
 * The beans registered before the failing one (the adapter's output channel, named after
 * the flow's id) would stay, and the next registration under the same id would fail on
 * them.
 *
 * @author pipe-io
 */
final class FailedFlowRegistration {

	private FailedFlowRegistration() {
	}

	/**
	 * Destroy the beans registered so far for the flow a component that failed to
	 * initialize belongs to, if that flow is being registered at runtime; the component's
	 * own record as the flow's dependent goes with them.
	 * @param beanFactory the component's bean factory
	 * @param beanName the component's bean name
	 */
	static void undo(@Nullable BeanFactory beanFactory, @Nullable String beanName) {
		if (!(beanFactory instanceof DefaultListableBeanFactory beans) || beanName == null) {
			return;
		}
		for (String flow : beans.getDependenciesForBean(beanName)) {
			// A flow that is a bean already (a @Bean, whose failure fails the start
			// of the application) or any other bean the component depends on is left
			// alone: a flow registered at runtime is a bean only once all its
			// components are.
			if (!beans.containsBean(flow)) {
				for (String component : beans.getDependentBeans(flow)) {
					beans.destroySingleton(component);
				}
			}
		}
	}

}

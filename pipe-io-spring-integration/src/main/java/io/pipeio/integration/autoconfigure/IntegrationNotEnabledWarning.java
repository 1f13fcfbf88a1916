package io.pipeio.integration.autoconfigure;

import java.util.Arrays;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.dsl.context.IntegrationFlowContext;
import org.springframework.util.Assert;

/**
 * Warns, once the singletons are created, of {@link IntegrationFlow} beans that nothing
 * runs: with Spring Boot 4, Spring Integration is enabled by its own auto-configuration
 * module ({@code spring-boot-starter-integration}) or by {@code @EnableIntegration}, and
 * without either the flows are plain beans. A channel fed by an inbound adapter is then
 * never created, and the application starts without a word of it; its clients only see
 * that its pipes do not exist.
 *
 * @author pipe-io
 */
final class IntegrationNotEnabledWarning implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(IntegrationNotEnabledWarning.class);

	private final ListableBeanFactory beanFactory;

	IntegrationNotEnabledWarning(ListableBeanFactory beanFactory) {
		Assert.notNull(beanFactory, "'beanFactory' must not be null");
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		String[] flows = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(this.beanFactory, IntegrationFlow.class,
				true, false);
		// Enabling Spring Integration registers the flow context with the flows'
		// post-processor: without it, nothing runs a flow.
		boolean enabled = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(this.beanFactory,
				IntegrationFlowContext.class, true, false).length > 0;
		if (flows.length > 0 && !enabled) {
			logger.warn("Spring Integration is not enabled, so nothing runs the IntegrationFlow bean(s) "
					+ Arrays.toString(flows) + ": pipe-io channels fed by their inbound adapters are not created, and"
					+ " lines sent to their outbound adapters are not written. Add"
					+ " org.springframework.boot:spring-boot-starter-integration, or put @EnableIntegration on a"
					+ " configuration class");
		}
	}

}

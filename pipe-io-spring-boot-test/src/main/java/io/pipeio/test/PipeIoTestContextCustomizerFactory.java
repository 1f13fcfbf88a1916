package io.pipeio.test;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Gives the application context of a {@link PipeIoTest} its private pipe directory.
 * Registered in {@code META-INF/spring.factories}, so it needs no compile dependency on
 * pipe-io's auto-configuration: it only sets the {@code pipe-io.directory} property.
 */
final class PipeIoTestContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return isPipeIoTest(testClass) ? new DirectoryCustomizer() : null;
	}

	/**
	 * Whether the test class (its superclasses and interfaces included), or a class it is
	 * nested in as an inner class, is a {@link PipeIoTest}. JUnit extends a
	 * {@code @Nested} class with its enclosing class's extensions whatever its
	 * {@code @NestedTestConfiguration} says, so the directory follows the extension: a
	 * nested class that overrides its enclosing class's configuration still gets a
	 * directory of its own rather than pipes in the application's default directory, left
	 * behind after the run.
	 */
	private static boolean isPipeIoTest(Class<?> testClass) {
		Class<?> type = testClass;
		while (type != null) {
			if (AnnotatedElementUtils.hasAnnotation(type, PipeIoTest.class)) {
				return true;
			}
			type = ClassUtils.isInnerClass(type) ? type.getEnclosingClass() : null;
		}
		return false;
	}

	/**
	 * Creates the directory as the context is prepared, and removes it when the context
	 * is destroyed. Instances are equal, so the context cache shares a context between
	 * test classes as it would without the annotation.
	 */
	static final class DirectoryCustomizer implements ContextCustomizer {

		static final String BEAN_NAME = "pipeTestDirectory";

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			Assert.state(beanFactory instanceof DefaultSingletonBeanRegistry,
					() -> "@PipeIoTest needs a bean factory that destroys beans, not " + beanFactory.getClass());
			PipeTestDirectory directory = PipeTestDirectory.create();
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource(BEAN_NAME,
						Map.of(PipeTestDirectory.PROPERTY, directory.path().toString())));
			beanFactory.registerSingleton(BEAN_NAME, directory);
			// Registered before any bean exists, so destroyed last: after the channels
			// stopped (that happens before beans are destroyed) and after every bean that
			// might still use a pipe.
			((DefaultSingletonBeanRegistry) beanFactory).registerDisposableBean(BEAN_NAME, directory::close);
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return (other != null) && other.getClass() == getClass();
		}

		@Override
		public int hashCode() {
			return getClass().hashCode();
		}

	}

}

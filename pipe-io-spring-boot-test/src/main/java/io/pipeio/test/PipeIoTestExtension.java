package io.pipeio.test;

import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.Arrays;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstantiationAwareExtension;
import org.junit.platform.commons.support.AnnotationSupport;

import org.springframework.beans.factory.annotation.ParameterResolutionDelegate;
import org.springframework.test.context.junit.jupiter.SpringExtension;
import org.springframework.test.context.support.TestConstructorUtils;
import org.springframework.util.ClassUtils;

/**
 * Resolves {@link PipeTestDirectory} parameters of a {@link PipeIoTest}. In a Spring test
 * it hands out the directory of the test's application context, so the test talks to the
 * pipes the application serves, and leaves to Spring the parameters Spring autowires;
 * otherwise it creates a directory per test method (constructor parameters included),
 * kept in JUnit's store, which closes (removes) it after the test.
 */
final class PipeIoTestExtension implements ParameterResolver, TestInstantiationAwareExtension {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(PipeIoTestExtension.class);

	@Override
	public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
		// A constructor parameter belongs to the test method the instance is made for.
		return ExtensionContextScope.TEST_METHOD;
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Parameter parameter = parameterContext.getParameter();
		if (parameter.getType() != PipeTestDirectory.class) {
			return false;
		}
		// Two resolvers of one parameter fail the test: Spring's wins where it applies.
		return !isSpringTest(extensionContext) || !isAutowiredBySpring(parameterContext, extensionContext);
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		if (isSpringTest(extensionContext)) {
			return SpringExtension.getApplicationContext(extensionContext).getBean(PipeTestDirectory.class);
		}
		// Keyed by the context itself: a directory taken at class level (@BeforeAll) is
		// not handed to each method, which gets its own.
		return extensionContext.getStore(NAMESPACE)
			.computeIfAbsent(extensionContext.getUniqueId(), (key) -> PipeTestDirectory.create(),
					PipeTestDirectory.class);
	}

	/**
	 * Whether the {@link SpringExtension} resolves the parameter itself: one marked
	 * {@code @Autowired}, or one of a constructor that Spring autowires.
	 */
	private static boolean isAutowiredBySpring(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Parameter parameter = parameterContext.getParameter();
		Executable executable = parameter.getDeclaringExecutable();
		return ParameterResolutionDelegate.isAutowirable(parameter, parameterContext.getIndex())
				|| TestConstructorUtils.isAutowirableConstructor(executable,
						(name) -> extensionContext.getConfigurationParameter(name).orElse(null));
	}

	/**
	 * Whether the test runs in a Spring test context: its class, or a class it is nested
	 * in as an inner class ({@code @Nested}), is extended with the
	 * {@link SpringExtension}. A static member class is a test class of its own.
	 */
	private static boolean isSpringTest(ExtensionContext context) {
		Class<?> type = context.getTestClass().orElse(null);
		while (type != null) {
			if (AnnotationSupport.findRepeatableAnnotations(type, ExtendWith.class)
				.stream()
				.anyMatch((extendWith) -> Arrays.asList(extendWith.value()).contains(SpringExtension.class))) {
				return true;
			}
			type = ClassUtils.isInnerClass(type) ? type.getEnclosingClass() : null;
		}
		return false;
	}

}

package io.pipeio.test;

import java.util.Arrays;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Resolves {@link PipeTestDirectory} parameters of a {@link PipeIoTest}. In a Spring test
 * it hands out the directory of the test's application context, so the test talks to the
 * pipes the application serves; otherwise it creates a directory per test method, kept in
 * JUnit's store, which closes (removes) it after the test.
 */
final class PipeIoTestExtension implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(PipeIoTestExtension.class);

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == PipeTestDirectory.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		if (isSpringTest(extensionContext)) {
			return SpringExtension.getApplicationContext(extensionContext).getBean(PipeTestDirectory.class);
		}
		return extensionContext.getStore(NAMESPACE)
			.computeIfAbsent(PipeTestDirectory.class, (key) -> PipeTestDirectory.create(), PipeTestDirectory.class);
	}

	/**
	 * Whether the test runs in a Spring test context: its class, or a class it is nested
	 * in ({@code @Nested}), is extended with the {@link SpringExtension}.
	 */
	private static boolean isSpringTest(ExtensionContext context) {
		Class<?> testClass = context.getTestClass().orElse(null);
		for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
			if (AnnotationSupport.findRepeatableAnnotations(type, ExtendWith.class)
				.stream()
				.anyMatch((extendWith) -> Arrays.asList(extendWith.value()).contains(SpringExtension.class))) {
				return true;
			}
		}
		return false;
	}

}

package io.pipeio.aot;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannelContext;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.GenericTypeResolver;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils.MethodFilter;

/**
 * Contributes the reflection hints of the beans that have
 * {@link PipeListener @PipeListener} methods: the post-processor finds and invokes those
 * methods by reflection, and the JSON converter creates their payloads and writes their
 * replies by reflection, none of which a native image allows unless it is declared at
 * build time.
 * <p>
 * The payload and reply types are found as the listener finds them at run time: a
 * parameter that is a {@code PipeChannelContext} is not a payload, {@code String} and
 * {@code byte[]} are not converted, and a {@code CompletionStage} reply is written once
 * it completes and an {@code Optional} reply is its value, so their value types are the
 * ones to bind.
 *
 * @author pipe-io
 */
class PipeListenerBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = ClassUtils.getUserClass(registeredBean.getBeanClass());
		Set<Method> methods = MethodIntrospector.selectMethods(beanClass,
				(MethodFilter) (method) -> AnnotatedElementUtils.hasAnnotation(method, PipeListener.class));
		if (methods.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			methods.forEach((method) -> registerHints(reflection, method, beanClass));
		};
	}

	/**
	 * Register what the listener needs: its types as the bean's class gives them, so that
	 * a method of a generic base class, such as {@code handle(T)} of {@code Base<T>},
	 * gets the hints of the type its subclass gives {@code T}.
	 */
	private void registerHints(ReflectionHints reflection, Method method, Class<?> beanClass) {
		reflection.registerMethod(method, ExecutableMode.INVOKE);
		Class<?>[] parameterTypes = method.getParameterTypes();
		Type[] genericTypes = method.getGenericParameterTypes();
		for (int i = 0; i < parameterTypes.length; i++) {
			Type type = GenericTypeResolver.resolveType(genericTypes[i], beanClass);
			if (!PipeChannelContext.class.isAssignableFrom(parameterTypes[i])
					&& isConverted(ResolvableType.forType(type).toClass())) {
				this.bindingRegistrar.registerReflectionHints(reflection, type);
			}
		}
		Type reply = GenericTypeResolver.resolveType(replyType(method), beanClass);
		if (isConverted(ResolvableType.forType(reply).toClass())) {
			this.bindingRegistrar.registerReflectionHints(reflection, reply);
		}
	}

	private static Type replyType(Method method) {
		Type declared = method.getGenericReturnType();
		if (!CompletionStage.class.isAssignableFrom(method.getReturnType())) {
			return optionalValue(declared);
		}
		// The value of CompletableFuture<List<Item>> is List<Item>; the CompletionStage
		// view that ResolvableType.as gives has only the variable T, so a declared
		// argument is taken as it is.
		if (declared instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length == 1) {
			return optionalValue(parameterized.getActualTypeArguments()[0]);
		}
		return ResolvableType.forMethodReturnType(method).as(CompletionStage.class).getGeneric(0).toClass();
	}

	/** An {@code Optional} reply is its value, converted as it is. */
	private static Type optionalValue(Type type) {
		if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == Optional.class) {
			return parameterized.getActualTypeArguments()[0];
		}
		return type;
	}

	/**
	 * Lines are given and taken as they are for these types, without the JSON converter.
	 */
	private static boolean isConverted(Class<?> type) {
		return type != String.class && type != byte[].class && type != void.class && type != Void.class
				&& type != Object.class;
	}

}

package io.pipeio.aot;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeChannelContext;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;

/**
 * The hints {@link PipeListenerBeanRegistrationAotProcessor} contributes for a bean: each
 * listener method invoked by reflection, and binding hints for exactly the types the JSON
 * converter reads and writes.
 */
class PipeListenerBeanRegistrationAotProcessorTests {

	private final PipeListenerBeanRegistrationAotProcessor processor = new PipeListenerBeanRegistrationAotProcessor();

	@Test
	void isRegisteredInAotFactories() {
		assertThat(AotServices.factories().load(BeanRegistrationAotProcessor.class))
			.hasAtLeastOneElementOfType(PipeListenerBeanRegistrationAotProcessor.class);
	}

	@Test
	void beanWithoutListenersContributesNothing() {
		assertThat(this.processor.processAheadOfTime(registeredBean(NoListeners.class))).isNull();
	}

	@Test
	void listenerMethodsAreInvocable() {
		RuntimeHints hints = process(OrderListeners.class);
		assertThat(reflection().onMethodInvocation(OrderListeners.class, "order")).accepts(hints);
		assertThat(reflection().onMethodInvocation(OrderListeners.class, "later")).accepts(hints);
		assertThat(reflection().onMethodInvocation(OrderListeners.class, "raw")).accepts(hints);
		assertThat(reflection().onMethodInvocation(OrderListeners.class, "helper")).rejects(hints);
	}

	@Test
	void jsonPayloadTypesAndTheTypesTheyHoldAreBound() throws NoSuchMethodException {
		RuntimeHints hints = process(OrderListeners.class);
		assertThat(reflection().onType(Order.class)).accepts(hints);
		assertThat(reflection().onConstructorInvocation(Order.class.getDeclaredConstructor(String.class, List.class)))
			.accepts(hints);
		assertThat(reflection().onMethodInvocation(Order.class, "items")).accepts(hints);
		assertThat(reflection().onType(Item.class)).accepts(hints);
		assertThat(reflection().onMethodInvocation(Item.class, "sku")).accepts(hints);
	}

	@Test
	void repliesAreBoundAndACompletionStageByItsValueType() {
		RuntimeHints hints = process(OrderListeners.class);
		assertThat(reflection().onType(Receipt.class)).accepts(hints);
		assertThat(reflection().onMethodInvocation(Receipt.class, "number")).accepts(hints);
		assertThat(reflection().onType(Confirmation.class)).accepts(hints);
		assertThat(reflection().onType(CompletableFuture.class)).rejects(hints);
		assertThat(reflection().onType(Refund.class)).accepts(hints);
		assertThat(reflection().onType(Optional.class)).rejects(hints);
	}

	@Test
	void textBytesAndTheChannelContextAreNotBound() {
		RuntimeHints hints = process(TextListeners.class);
		assertThat(reflection().onMethodInvocation(TextListeners.class, "upper")).accepts(hints);
		assertThat(reflection().onType(PipeChannelContext.class)).rejects(hints);
		assertThat(reflection().onType(String.class)).rejects(hints);
		assertThat(reflection().onType(byte[].class)).rejects(hints);
	}

	@Test
	void listenerOfAComposedAnnotationIsFound() {
		RuntimeHints hints = process(AuditListeners.class);
		assertThat(reflection().onMethodInvocation(AuditListeners.class, "audit")).accepts(hints);
		assertThat(reflection().onType(AuditEvent.class)).accepts(hints);
	}

	@Test
	void typesOfAGenericBaseClassAreThoseTheBeansClassGivesIt() {
		RuntimeHints hints = process(GenericOrderListener.class);
		assertThat(reflection().onType(Order.class)).accepts(hints);
		assertThat(reflection().onType(Item.class)).accepts(hints);
		assertThat(reflection().onType(Receipt.class)).accepts(hints);
	}

	private RuntimeHints process(Class<?> beanClass) {
		BeanRegistrationAotContribution contribution = this.processor.processAheadOfTime(registeredBean(beanClass));
		assertThat(contribution).isNotNull();
		GenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(getClass())), new InMemoryGeneratedFiles());
		contribution.applyTo(generationContext, null); // the contribution writes no code
		return generationContext.getRuntimeHints();
	}

	private static RegisteredBean registeredBean(Class<?> beanClass) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(beanClass));
		return RegisteredBean.of(beanFactory, "bean");
	}

	record Item(String sku, int quantity) {
	}

	record Order(String id, List<Item> items) {
	}

	record Receipt(long number) {
	}

	record Confirmation(String text) {
	}

	record Refund(long amount) {
	}

	record AuditEvent(String who) {
	}

	abstract static class GenericListener<T, R> {

		abstract R handle(T payload);

		@PipeListener("generic")
		R listen(T payload) {
			return handle(payload);
		}

	}

	static class GenericOrderListener extends GenericListener<Order, Receipt> {

		@Override
		Receipt handle(Order payload) {
			return new Receipt(payload.items().size());
		}

	}

	static class NoListeners {

		String helper(String line) {
			return line;
		}

	}

	static class OrderListeners {

		@PipeListener("orders")
		Receipt order(PipeChannelContext context, Order order) {
			return new Receipt(order.items().size());
		}

		@PipeListener("later")
		CompletableFuture<List<Confirmation>> later(String line) {
			return CompletableFuture.completedFuture(List.of(new Confirmation(line)));
		}

		@PipeListener("raw")
		byte[] raw(byte[] line) {
			return line;
		}

		@PipeListener("maybe")
		CompletableFuture<Optional<Refund>> maybe(String line) {
			return CompletableFuture.completedFuture(Optional.empty());
		}

		String helper(String line) {
			return line;
		}

	}

	static class TextListeners {

		@PipeListener("upper")
		String upper(String line, PipeChannelContext context) {
			return line.toUpperCase(Locale.ROOT);
		}

		@PipeListener("raw")
		CompletableFuture<byte[]> raw(byte[] line) {
			return CompletableFuture.completedFuture(line);
		}

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@PipeListener("audit")
	@interface AuditListener {

	}

	static class AuditListeners {

		@AuditListener
		void audit(AuditEvent event) {
		}

	}

}

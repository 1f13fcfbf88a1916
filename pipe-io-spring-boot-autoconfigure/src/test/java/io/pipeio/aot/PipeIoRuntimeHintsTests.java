package io.pipeio.aot;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeHint;
import org.springframework.aot.hint.TypeReference;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.ClassMetadata;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.proxies;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.resource;

/**
 * The hints of the engine's native calls through JNA, checked against the real engine and
 * JNA classes so that a renamed interface or a moved resource fails here.
 */
class PipeIoRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	PipeIoRuntimeHintsTests() {
		new PipeIoRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void everyJnaLibraryInterfaceOfPipeIoIsAProxyWithInvocableMethods() throws Exception {
		// found among the main classes: a library added later cannot be left out
		String mainClasses = PipeIoRuntimeHints.class.getProtectionDomain().getCodeSource().getLocation().toString();
		List<Class<?>> libraries = new ArrayList<>();
		MetadataReaderFactory readers = new SimpleMetadataReaderFactory();
		for (Resource resource : new PathMatchingResourcePatternResolver()
			.getResources(mainClasses + "io/pipeio/**/*.class")) {
			ClassMetadata metadata = readers.getMetadataReader(resource).getClassMetadata();
			if (metadata.isInterface()) {
				Class<?> type = Class.forName(metadata.getClassName(), false, getClass().getClassLoader());
				if (Library.class.isAssignableFrom(type)) {
					libraries.add(type);
				}
			}
		}
		assertThat(libraries).extracting(Class::getName)
			.contains("io.pipeio.server.Posix$LibC", "io.pipeio.plugin.ProcessFreeze$Signals");
		for (Class<?> library : libraries) {
			assertThat(proxies().forInterfaces(library)).as(library.getName()).accepts(this.hints);
			assertThat(library.getDeclaredMethods()).isNotEmpty();
			for (Method method : library.getDeclaredMethods()) {
				assertThat(reflection().onMethodInvocation(method)).as(method.toGenericString()).accepts(this.hints);
			}
		}
	}

	@Test
	void directlyMappedCallsCanBeReadAndBound() throws ClassNotFoundException {
		Class<?> direct = Class.forName("io.pipeio.server.DirectCalls");
		Method[] natives = Stream.of(direct.getDeclaredMethods())
			.filter((method) -> Modifier.isNative(method.getModifiers()))
			.toArray(Method[]::new);
		assertThat(natives).isNotEmpty();
		for (Method method : natives) {
			assertThat(reflection().onMethodInvocation(method)).as(method.toGenericString()).accepts(this.hints);
		}
		assertThat(jniCategories(direct)).contains(MemberCategory.INVOKE_DECLARED_METHODS);
	}

	@Test
	void nativeLongCanBeCreatedByJna() throws NoSuchMethodException {
		assertThat(reflection().onConstructorInvocation(NativeLong.class.getConstructor())).accepts(this.hints);
	}

	@Test
	void dispatchLibraryOfThisPlatformIsIncludedAndExists() {
		String library = "com/sun/jna/" + Platform.RESOURCE_PREFIX + "/libjnidispatch.so";
		assertThat(getClass().getClassLoader().getResource(library)).as(library).isNotNull();
		assertThat(resource().forResource(library)).accepts(this.hints);
		assertThat(resource().forResource("com/sun/jna/linux-aarch64/libjnidispatch.so")).accepts(this.hints);
	}

	@Test
	void dispatchLibrariesOfOtherSystemsAreLeftOut() {
		assertThat(resource().forResource("com/sun/jna/win32-x86-64/jnidispatch.dll")).rejects(this.hints);
		assertThat(resource().forResource("com/sun/jna/darwin-aarch64/libjnidispatch.jnilib")).rejects(this.hints);
	}

	@Test
	void errnoFailuresAndPointersCanBeCreatedThroughJni() {
		assertThat(jniCategories(LastErrorException.class)).contains(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
		assertThat(jniCategories(Pointer.class)).contains(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
				MemberCategory.ACCESS_DECLARED_FIELDS);
		assertThat(jniCategories(Integer.class)).contains(MemberCategory.ACCESS_DECLARED_FIELDS,
				MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
	}

	@Test
	void everyNamedTypeExists() {
		Stream<TypeReference> types = Stream.of(this.hints.reflection().typeHints(), this.hints.jni().typeHints())
			.flatMap((hints) -> hints)
			.map(TypeHint::getType);
		Stream<TypeReference> proxied = this.hints.proxies()
			.jdkProxyHints()
			.flatMap((hint) -> hint.getProxiedInterfaces().stream());
		Stream.concat(types, proxied)
			.forEach((type) -> assertThat(ClassUtils.isPresent(type.getName(), null))
				.as("%s is on the class path", type.getName())
				.isTrue());
	}

	private Iterable<MemberCategory> jniCategories(Class<?> type) {
		TypeHint hint = this.hints.jni().getTypeHint(type);
		assertThat(hint).as("JNI hint of %s", type.getName()).isNotNull();
		return hint.getMemberCategories();
	}

}

package io.pipeio.aot;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.List;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.FromNativeConverter;
import com.sun.jna.IntegerType;
import com.sun.jna.JNIEnv;
import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.NativeMapped;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import com.sun.jna.Structure;
import com.sun.jna.WString;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * The runtime hints of the engine's native calls ({@code mkfifo}, {@code open},
 * {@code poll}, ...), which it makes through JNA: the C library interface JNA implements
 * with a JDK proxy, JNA's native dispatch library (a class path resource it extracts and
 * loads), and the Java types that library reaches through JNI when it loads, converts
 * arguments and throws {@code errno} failures. Declared here so a native image of a
 * pipe-io application does not depend on metadata published elsewhere for JNA.
 *
 * @author pipe-io
 */
public final class PipeIoRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * The engine's C library interface: package-private, so named rather than referenced.
	 */
	static final TypeReference LIBC = TypeReference.of("io.pipeio.server.Posix$LibC");

	/**
	 * The plug-in host's {@code kill}, which stops a plug-in's process tree before it is
	 * killed.
	 */
	static final TypeReference SIGNALS = TypeReference.of("io.pipeio.plugin.ProcessFreeze$Signals");

	/** Every interface that JNA makes a proxy of ({@code Native.load}). */
	static final List<TypeReference> LIBRARIES = List.of(LIBC, SIGNALS);

	/** The event loop's calls, bound with JNA's direct mapping (native methods). */
	static final TypeReference DIRECT_CALLS = TypeReference.of("io.pipeio.server.DirectCalls");

	/**
	 * The dispatch library of every Linux architecture: the engine runs on Linux only (it
	 * needs {@code eventfd}), so the libraries of other systems would only make the image
	 * larger.
	 */
	static final String DISPATCH_LIBRARIES = "com/sun/jna/linux-*/libjnidispatch.so";

	private static final MemberCategory[] ALL_DECLARED = { MemberCategory.ACCESS_DECLARED_FIELDS,
			MemberCategory.INVOKE_DECLARED_CONSTRUCTORS, MemberCategory.INVOKE_DECLARED_METHODS };

	/**
	 * JNA types that libjnidispatch looks up (fields, constructors, callbacks) through
	 * JNI.
	 */
	private static final List<Class<?>> JNA_JNI_TYPES = List.of(Native.class, Pointer.class, PointerType.class,
			IntegerType.class, Structure.class, Structure.ByValue.class, WString.class, NativeMapped.class,
			FromNativeConverter.class, Callback.class, CallbackReference.class, JNIEnv.class, LastErrorException.class);

	/** JNA's private nested types that libjnidispatch looks up through JNI. */
	private static final List<String> JNA_JNI_NESTED_TYPES = List.of("com.sun.jna.Native$ffi_callback",
			"com.sun.jna.Structure$FFIType$FFITypes", "com.sun.jna.CallbackReference$AttachOptions");

	/**
	 * Boxes whose {@code TYPE}, {@code value} and constructor libjnidispatch uses to pass
	 * primitives.
	 */
	private static final List<Class<?>> BOXES = List.of(Boolean.class, Byte.class, Character.class, Short.class,
			Integer.class, Long.class, Float.class, Double.class, Void.class);

	/**
	 * JDK types whose public methods libjnidispatch calls through JNI (strings, arrays,
	 * buffers).
	 */
	private static final List<Class<?>> JDK_JNI_TYPES = List.of(Object.class, String.class, Class.class,
			java.lang.reflect.Method.class, System.class, Buffer.class, ByteBuffer.class, CharBuffer.class,
			ShortBuffer.class, IntBuffer.class, LongBuffer.class, FloatBuffer.class, DoubleBuffer.class);

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (TypeReference library : LIBRARIES) {
			hints.proxies().registerJdkProxy(library);
			// JNA reads the signature of each called method.
			hints.reflection().registerType(library, MemberCategory.INVOKE_PUBLIC_METHODS);
		}
		// JNA's proxy handler looks up Object's methods.
		hints.reflection().registerType(Object.class, MemberCategory.INVOKE_PUBLIC_METHODS);
		// read() returns a NativeLong: JNA creates it through its no-argument
		// constructor.
		hints.reflection().registerType(NativeLong.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		hints.resources().registerPattern(DISPATCH_LIBRARIES);
		// Native.register reads the class's native methods and binds them through JNI.
		hints.reflection().registerType(DIRECT_CALLS, MemberCategory.INVOKE_DECLARED_METHODS);
		hints.jni().registerType(DIRECT_CALLS, ALL_DECLARED);
		registerJni(hints.jni());
	}

	private static void registerJni(ReflectionHints jni) {
		JNA_JNI_TYPES.forEach((type) -> jni.registerType(type, ALL_DECLARED));
		JNA_JNI_NESTED_TYPES.forEach((type) -> jni.registerType(TypeReference.of(type), ALL_DECLARED));
		BOXES.forEach((type) -> jni.registerType(type, MemberCategory.ACCESS_DECLARED_FIELDS,
				MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS));
		JDK_JNI_TYPES.forEach((type) -> jni.registerType(type, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS,
				MemberCategory.INVOKE_PUBLIC_METHODS));
	}

}

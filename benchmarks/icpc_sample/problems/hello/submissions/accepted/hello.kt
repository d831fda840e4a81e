fun main() {
    val words = listOf("Hello", "World!")
    println(words.joinToString(" "))
}

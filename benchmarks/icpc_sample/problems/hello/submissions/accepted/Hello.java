import java.io.*;

public class Hello {
    public static void main(String[] args) throws IOException {
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
        out.println("Hello World!");
        out.flush();
    }
}

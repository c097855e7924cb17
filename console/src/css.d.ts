/** Stylesheets are bundled as text (esbuild's `text` loader) for the portal's shadow root. */
declare module '*.css' {
  const text: string;
  export default text;
}

// Files imported as text (`with { type: "text" }`) and embedded in the binary: the schema files in sql/.
declare module "*.sql" {
  const text: string;
  export default text;
}

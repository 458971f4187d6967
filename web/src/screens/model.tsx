/** The model and ICP screen (manager/admin): training, metrics, forecast and ICP segments. */
export function ModelScreen() {
  return (
    <div>
      <h1>Model and ideal customer profile</h1>
    </div>
  );
}

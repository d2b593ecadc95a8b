import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface ScaleInputProps {
  label: string;
  min: number;
  max: number;
  value: number | null;
  labels?: readonly string[] | undefined;
  onRate: (score: number) => void;
  testId: string;
}

/**
 * One click on a scale: a row of buttons for up to 11 points (a rubric question, the 1–5 rating of
 * a conversation), a slider and a button for longer ones. Labels name the points when the
 * community gave them.
 */
export function ScaleInput({ label, min, max, value, labels, onRate, testId }: ScaleInputProps) {
  const { t } = useTranslation();
  const [slider, setSlider] = useState(value ?? Math.round((min + max) / 2));
  const points = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const nameOf = (score: number) => labels?.[score - min];
  if (points.length > 11) {
    return (
      <div className="scale" role="group" aria-label={label} data-testid={testId}>
        <span className="scale-label">{label}</span>
        <input type="range" min={min} max={max} value={slider} onChange={(e) => setSlider(Number(e.target.value))} aria-label={label} />
        <output>{slider}</output>
        <button type="button" onClick={() => onRate(slider)} data-testid={`${testId}-save`}>
          {t('common.save')}
        </button>
      </div>
    );
  }
  return (
    <div className="scale" role="group" aria-label={label} data-testid={testId} data-value={value ?? ''}>
      <span className="scale-label">{label}</span>
      <span className="scale-points">
        {points.map((p) => (
          <button
            type="button"
            key={p}
            className="scale-point"
            aria-pressed={value === p}
            aria-label={nameOf(p) ? t('feedback.scalePointNamed', { score: p, max, name: nameOf(p) }) : t('feedback.scalePoint', { score: p, max })}
            title={nameOf(p)}
            onClick={() => onRate(p)}
            data-testid={`${testId}-${p}`}
          >
            {p}
          </button>
        ))}
      </span>
      {labels !== undefined && labels.length > 0 && (
        <span className="scale-ends" aria-hidden="true">
          <span>{labels[0]}</span>
          <span>{labels[labels.length - 1]}</span>
        </span>
      )}
    </div>
  );
}

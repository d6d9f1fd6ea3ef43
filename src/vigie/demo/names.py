"""Common French first and last names, street names and trades, ordered roughly by frequency.

Draws use a Zipf-like weight over these orders, so that « Martin » is common and « Lemaire » rarer, as in
the real population. No real person is described: names are combined at random.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import numpy.typing as npt


def _split(text: str) -> tuple[str, ...]:
    """A comma-separated block of names as a tuple, whitespace normalised."""
    return tuple(" ".join(item.split()) for item in text.split(",") if item.strip())


FEMALE_FIRST_NAMES: tuple[str, ...] = _split(
    """
    Marie, Nathalie, Isabelle, Sylvie, Catherine, Françoise, Martine, Christine, Monique, Valérie, Sandrine,
    Stéphanie, Céline, Véronique, Nicole, Chantal, Sophie, Julie, Aurélie, Camille, Léa, Emma, Chloé, Manon,
    Inès, Jade, Louise, Alice, Lina, Anne, Jacqueline, Hélène, Laurence, Patricia, Brigitte, Émilie, Caroline,
    Élodie, Audrey, Laura, Sarah, Pauline, Mathilde, Marion, Claire, Lucie, Océane, Anaïs, Juliette, Clara, Zoé,
    Ambre, Rose, Anna, Mia, Agathe, Charlotte, Margaux, Eva, Jeanne, Madeleine, Simone, Denise, Suzanne, Yvette,
    Colette, Josiane, Danielle, Odile, Geneviève, Corinne, Karine, Virginie, Delphine, Agnès, Florence, Pascale,
    Annie, Éliane, Mireille, Amandine, Justine, Fatima, Yasmine, Nadia, Samia, Aïcha
    """
)

MALE_FIRST_NAMES: tuple[str, ...] = _split(
    """
    Jean, Pierre, Michel, Philippe, Alain, Nicolas, Christophe, Patrick, Daniel, Bernard, Éric, Laurent,
    Frédéric, Stéphane, David, Sébastien, Julien, Thomas, Olivier, Jacques, Gabriel, Léo, Raphaël, Louis,
    Arthur, Lucas, Jules, Hugo, Adam, Maël, Paul, Nathan, Théo, Noah, Ethan, Tom, Antoine, Alexandre, Maxime,
    Romain, Guillaume, Vincent, François, Henri, André, René, Claude, Gérard, Roger, Robert, Marcel, Georges,
    Yves, Serge, Dominique, Thierry, Pascal, Didier, Bruno, Gilles, Franck, Cédric, Jérôme, Mathieu, Benjamin,
    Kevin, Anthony, Quentin, Clément, Baptiste, Valentin, Mathis, Enzo, Sacha, Victor, Martin, Axel, Timéo,
    Mohamed, Karim, Mehdi, Rachid, Youssef, Yanis, Rayan, Loïc, Gaël, Yann, Erwan
    """
)

LAST_NAMES: tuple[str, ...] = _split(
    """
    Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon, Michel, Lefèbvre,
    Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont, Lambert, Fontaine, Rousseau, Vincent,
    Muller, Lefèvre, Faure, André, Mercier, Blanc, Guérin, Boyer, Garnier, Chevalier, François, Legrand,
    Gauthier, Garcia, Perrin, Robin, Clément, Morin, Nicolas, Henry, Roussel, Mathieu, Gautier, Masson,
    Marchand, Duval, Denis, Dumont, Marie, Lemaire, Noël, Meyer, Dufour, Meunier, Brun, Blanchard, Giraud, Joly,
    Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud, Martinez, Gérard, Roche, Renard, Schmitt, Roy, Leroux,
    Colin, Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine, Renaud, Dumas, Lacroix, Olivier, Philippe,
    Bourgeois, Pierre, Benoît, Rey, Leclerc, Payet, Rolland, Leclercq, Guillaume, Lecomte, Lopez, Jean, Dupuy,
    Guillot, Hubert, Berger, Carpentier, Sanchez, Dupuis, Moulin, Louis, Deschamps, Huet, Vasseur, Perez,
    Boucher, Fleury, Royer, Klein, Jacquet, Adam, Paris, Poirier, Marty, Aubry, Guyot, Carré, Charles, Renault,
    Charpentier, Ménard, Maillard, Baron, Bertin, Bailly, Hervé, Schneider, Fernandez, Le Gall, Collet, Léger,
    Bouvier, Julien, Prévost, Millet, Perrot, Daniel, Le Roux, Cousin, Germain, Breton, Besson, Langlois, Rémy,
    Le Goff, Pelletier, Lévêque, Perrier, Leblanc, Barré, Lebrun, Marchal, Weber, Mallet, Hamon, Boulanger,
    Jacob, Monnier, Michaud, Rodriguez, Guichard, Gillet, Étienne, Grondin, Poulain, Tessier, Chevallier,
    Collin, Chauvin, Da Silva, Bouchet, Gay, Lemaître, Bénard, Maréchal, Humbert, Reynaud, Antoine, Hoarau,
    Perret, Barthélemy, Cordier, Pichon, Lejeune, Gilbert, Lamy, Delaunay, Pasquier, Carlier, Laporte, Benali,
    Haddad, Nguyen, Dos Santos, Ferreira, Rossi, Bensaïd, Traoré, Diallo, Mendy
    """
)

STREET_KINDS: tuple[str, ...] = _split(
    """
    rue, avenue, boulevard, place, allée, chemin, impasse, route
    """
)

STREET_NAMES: tuple[str, ...] = _split(
    """
    de la République, Victor Hugo, Jean Jaurès, du Général de Gaulle, Pasteur, de la Gare, Jules Ferry, de
    l'Église, des Écoles, Gambetta, du Moulin, de la Liberté, Émile Zola, Voltaire, des Lilas, de Verdun, de la
    Paix, du Stade, des Tilleuls, Carnot, Jean Moulin, Anatole France, de Paris, du Château, des Acacias, Louis
    Pasteur, du 8 Mai 1945, Marcel Pagnol, Saint-Exupéry, des Peupliers, de la Fontaine, Molière, du Marché
    """
)

MAIL_DOMAINS: tuple[str, ...] = _split(
    """
    exemple.fr, courriel.fr, messagerie.fr, boite.fr, poste.exemple
    """
)

PROFESSIONS: tuple[str, ...] = _split(
    """
    médecin généraliste, infirmier, masseur-kinésithérapeute, chirurgien-dentiste, pharmacien, sage-femme,
    orthophoniste, pédicure-podologue, cardiologue, pédiatre, psychiatre, ophtalmologiste, dermatologue,
    gynécologue, radiologue, orthoptiste
    """
)

ESTABLISHMENT_KINDS: tuple[str, ...] = _split(
    """
    Centre hospitalier, Clinique, EHPAD, Centre de santé, Centre hospitalier universitaire, Maison de santé
    pluriprofessionnelle, Centre de rééducation, Hôpital de proximité
    """
)

SUPPLIER_KINDS: tuple[str, ...] = _split(
    """
    Pharmacie, Ambulances, Taxi conventionné, Optique, Laboratoire d'analyses, Audioprothèse, Matériel médical
    """
)

EMPLOYER_PATTERNS: tuple[tuple[str, str], ...] = (
    ("Boulangerie {n}", "1071C"),
    ("Transports {n}", "4941A"),
    ("Restaurant {n}", "5610A"),
    ("Garage {n}", "4520A"),
    ("{n} et Fils", "4399C"),
    ("Cabinet {n}", "6920Z"),
    ("Supermarché {n}", "4711D"),
    ("Menuiserie {n}", "4332A"),
    ("Coiffure {n}", "9602A"),
    ("Boucherie {n}", "4722Z"),
    ("{n} Informatique", "6201Z"),
    ("Nettoyage {n}", "8121Z"),
    ("Électricité {n}", "4321A"),
    ("Hôtel {n}", "5510Z"),
    ("Société {n}", "7022Z"),
    ("Pharmacie {n}", "4773Z"),
)

RELATIONSHIPS: tuple[str, ...] = ("conjoint", "parent", "enfant", "représentant légal", "personne de confiance")


def ascii_slug(value: str) -> str:
    """Lower-case ASCII form of a name, for e-mail addresses (« Lefèvre » → « lefevre »)."""
    decomposed = unicodedata.normalize("NFKD", value)
    kept = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == "-"))
    return kept.lower()


def zipf_weights(count: int, exponent: float = 0.8) -> npt.NDArray[np.float64]:
    """Probabilities decreasing with rank, as name frequencies do."""
    weights = 1.0 / np.arange(1, count + 1, dtype=np.float64) ** exponent
    return np.asarray(weights / weights.sum(), dtype=np.float64)
